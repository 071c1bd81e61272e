// bfloat16 <-> float32 conversion for the bf16 autocast of GEMMs (bit patterns, no cuda_bf16.h needed).

// Round to nearest even; NaN stays a (quiet) NaN.
extern "C" __global__ void ibot_f32_to_bf16(const float* x, unsigned short* y, int n) {
    IBOT_GRID_STRIDE(i, n) {
        unsigned int bits = __float_as_uint(x[i]);
        if ((bits & 0x7fffffffu) > 0x7f800000u) {
            y[i] = (unsigned short) ((bits >> 16) | 0x0040u);
        } else {
            y[i] = (unsigned short) ((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
        }
    }
}

extern "C" __global__ void ibot_bf16_to_f32(const unsigned short* x, float* y, int n) {
    IBOT_GRID_STRIDE(i, n) y[i] = __uint_as_float(((unsigned int) x[i]) << 16);
}

// float32 -> IEEE half (round to nearest even; beyond ±65504 becomes ±inf, which the fp16 loss scaler detects),
// for the fp16 autocast of GEMMs; PTX's cvt, so no cuda_fp16.h is needed.
extern "C" __global__ void ibot_f32_to_f16(const float* x, unsigned short* y, int n) {
    IBOT_GRID_STRIDE(i, n) {
        unsigned short h;
        asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(x[i]));
        y[i] = h;
    }
}
