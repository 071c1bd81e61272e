// Generic kernels over strided (and broadcast, stride 0) views, launched by StridedKernels.java.
// A geometry is passed by value: the logical shape (rank <= IBOT_MAX_RANK, n = product of dims) and per operand
// the element strides of each dim. Element i in [0, n) is enumerated row-major over dims (last dim fastest);
// operand pointers already include each tensor's storage offset. Map op codes are the ordinals of MapOp.java.

#define IBOT_MAX_RANK 8

struct ibot_geo {
    int rank;
    int n;
    int dims[IBOT_MAX_RANK];
    int sa[IBOT_MAX_RANK];
    int sb[IBOT_MAX_RANK];
    int sc[IBOT_MAX_RANK];
    int sy[IBOT_MAX_RANK];
};

// NaN test without relying on the math headers (v != v holds only for NaN; the kernels are built without fast-math).
__device__ __forceinline__ bool ibot_isnan(float v) { return v != v; }

// Element offsets of logical element i for the four operands of g.
__device__ __forceinline__ void ibot_geo_offsets(const ibot_geo& g, long long i,
                                                 long long& ia, long long& ib, long long& ic, long long& iy) {
    ia = 0; ib = 0; ic = 0; iy = 0;
    unsigned q = (unsigned) i;  // i < g.n <= INT_MAX: 32-bit division is enough
#pragma unroll
    for (int d = IBOT_MAX_RANK - 1; d >= 0; --d) {
        if (d < g.rank) {
            long long k = q % (unsigned) g.dims[d];
            q /= (unsigned) g.dims[d];
            ia += k * g.sa[d];
            ib += k * g.sb[d];
            ic += k * g.sc[d];
            iy += k * g.sy[d];
        }
    }
}

// Offsets of element i in operands a and y only (the reduction's x and output).
__device__ __forceinline__ void ibot_geo_offsets_ay(const ibot_geo& g, long long i, long long& ia, long long& iy) {
    ia = 0; iy = 0;
    unsigned q = (unsigned) i;
#pragma unroll
    for (int d = IBOT_MAX_RANK - 1; d >= 0; --d) {
        if (d < g.rank) {
            long long k = q % (unsigned) g.dims[d];
            q /= (unsigned) g.dims[d];
            ia += k * g.sa[d];
            iy += k * g.sy[d];
        }
    }
}

// y[iy] = f(A = a[ia], B = b[ib], C = c[ic]) for every element of g; inputs an op does not use are not read.
extern "C" __global__ void ibot_map(int op, ibot_geo g, const float* a, const float* b, const float* c, float* y, float p) {
    IBOT_GRID_STRIDE(i, g.n) {
        long long ia, ib, ic, iy;
        ibot_geo_offsets(g, i, ia, ib, ic, iy);
        float r;
        switch (op) {
            case 0: r = a[ia]; break;                                          // COPY
            case 1: r = p; break;                                              // FILL
            case 2: r = a[ia] + p; break;                                      // ADD_SCALAR
            case 3: r = a[ia] * p; break;                                      // MUL_SCALAR
            case 4: r = expf(a[ia]); break;                                    // EXP
            case 5: r = logf(a[ia]); break;                                    // LOG
            case 6: r = sqrtf(a[ia]); break;                                   // SQRT
            case 7: r = tanhf(a[ia]); break;                                   // TANH
            case 8: r = powf(a[ia], p); break;                                 // POW
            case 9: { float v = a[ia]; r = v > 0.0f ? v : 0.0f; break; }       // RELU
            case 10: r = a[ia] + b[ib]; break;                                 // ADD
            case 11: r = a[ia] - b[ib]; break;                                 // SUB
            case 12: r = a[ia] * b[ib]; break;                                 // MUL
            case 13: r = a[ia] / b[ib]; break;                                 // DIV
            case 14: r = a[ia] != 0.0f ? b[ib] : c[ic]; break;                 // WHERE
            case 15: r = a[ia] > 0.0f ? b[ib] : 0.0f; break;                   // RELU_GRAD
            case 16: r = b[ib] != 0.0f ? p : a[ia]; break;                     // MASKED_FILL
            case 17: r = y[iy] + p * a[ia]; break;                             // AXPY
            case 18: { float v = a[ia]; r = v * v; break; }                    // SQUARE
            case 19: { float v = a[ia]; r = ibot_isnan(v) ? v : fmaxf(v, p); break; } // MAX_SCALAR
            default: r = __int_as_float(0x7fc00000); break;
        }
        y[iy] = r;
    }
}

// Whether candidate (v, i) beats the current best (b, j) under the CPU's max rule: the first NaN wins, else the
// larger value, ties (and NaN against NaN) going to the smaller reduced linear index.
__device__ __forceinline__ bool ibot_max_beats(float v, int i, float b, int j) {
    if (ibot_isnan(b)) return ibot_isnan(v) && i < j;
    if (ibot_isnan(v)) return true;
    return v > b || (v == b && i < j);
}

// One block per output (grid-stride over outputs): out enumerates kept (x strides kept.sa, y strides kept.sy);
// the block's threads stride over the red.n reduced elements (x strides red.sa). op 0 SUM (double accumulation,
// fixed tree order), op 1 MAX (and, if arg is not NULL, the reduced linear index of the max). Needs blockDim.x a
// power of two <= 256; deterministic for a fixed blockDim.
extern "C" __global__ void ibot_reduce(int op, ibot_geo kept, ibot_geo red, const float* x, float* y, int* arg) {
    __shared__ double sums[256];
    __shared__ float best[256];
    __shared__ int where[256];
    const int t = threadIdx.x;
    for (long long out = blockIdx.x; out < kept.n; out += gridDim.x) {
        long long xo, yo;
        ibot_geo_offsets_ay(kept, out, xo, yo);
        const float* xb = x + xo;
        if (op == 0) {
            double s = 0.0;
            for (long long r = t; r < red.n; r += blockDim.x) {
                long long ro, unused;
                ibot_geo_offsets_ay(red, r, ro, unused);
                s += (double) xb[ro];
            }
            sums[t] = s;
            __syncthreads();
            for (int w = blockDim.x / 2; w > 0; w >>= 1) {
                if (t < w) sums[t] += sums[t + w];
                __syncthreads();
            }
            if (t == 0) y[yo] = (float) sums[0];
        } else {
            float b = IBOT_NEG_INF;
            int j = 0x7fffffff;
            for (long long r = t; r < red.n; r += blockDim.x) {
                long long ro, unused;
                ibot_geo_offsets_ay(red, r, ro, unused);
                float v = xb[ro];
                if (j == 0x7fffffff || v > b || (ibot_isnan(v) && !ibot_isnan(b))) { b = v; j = (int) r; }
            }
            best[t] = b;
            where[t] = j;
            __syncthreads();
            for (int w = blockDim.x / 2; w > 0; w >>= 1) {
                if (t < w && ibot_max_beats(best[t + w], where[t + w], best[t], where[t])) {
                    best[t] = best[t + w];
                    where[t] = where[t + w];
                }
                __syncthreads();
            }
            if (t == 0) {
                y[yo] = best[0];
                if (arg) arg[out] = where[0];  // dense, row-major over kept.dims
            }
        }
        __syncthreads();
    }
}

// Gather along one axis (index_select, torch.gather): y[iy] = x[ia + idx[ib] * axisStride], where g.sa holds x's
// strides with 0 on the gathered axis and g.sb addresses the int32 indices (already checked on the host).
extern "C" __global__ void ibot_gather(ibot_geo g, const float* x, const int* idx, float* y, int axisStride) {
    IBOT_GRID_STRIDE(i, g.n) {
        long long ia, ib, ic, iy;
        ibot_geo_offsets(g, i, ia, ib, ic, iy);
        y[iy] = x[ia + (long long) idx[ib] * axisStride];
    }
}

// The gather's adjoint: gx[ia + idx[ib] * axisStride] += gy[iy]. Repeated indices add up through atomicAdd, so
// their order (and the last bit of such sums) is not fixed; distinct indices are exact.
extern "C" __global__ void ibot_scatter_add(ibot_geo g, const float* gy, const int* idx, float* gx, int axisStride) {
    IBOT_GRID_STRIDE(i, g.n) {
        long long ia, ib, ic, iy;
        ibot_geo_offsets(g, i, ia, ib, ic, iy);
        atomicAdd(&gx[ia + (long long) idx[ib] * axisStride], gy[iy]);
    }
}
