// Elementwise kernels over n dense floats. Op codes are the ordinals of the Java enums UnaryOp and BinaryOp.

extern "C" __global__ void ibot_unary(int op, const float* x, float* y, int n, float param) {
    IBOT_GRID_STRIDE(i, n) {
        float v = x[i], r;
        switch (op) {
            case 0: r = v + param; break;                 // ADD_SCALAR
            case 1: r = v * param; break;                 // MUL_SCALAR
            case 2: r = expf(v); break;                   // EXP
            case 3: r = logf(v); break;                   // LOG
            case 4: r = sqrtf(v); break;                  // SQRT
            case 5: r = tanhf(v); break;                  // TANH
            case 6: r = powf(v, param); break;            // POW
            case 7: r = v > 0.0f ? v : 0.0f; break;       // RELU
            default: r = __int_as_float(0x7fc00000); break;
        }
        y[i] = r;
    }
}

extern "C" __global__ void ibot_binary(int op, const float* a, const float* b, float* y, int n) {
    IBOT_GRID_STRIDE(i, n) {
        float u = a[i], v = b[i], r;
        switch (op) {
            case 0: r = u + v; break;   // ADD
            case 1: r = u - v; break;   // SUB
            case 2: r = u * v; break;   // MUL
            case 3: r = u / v; break;   // DIV
            default: r = __int_as_float(0x7fc00000); break;
        }
        y[i] = r;
    }
}

// y += alpha * x
extern "C" __global__ void ibot_axpy(float alpha, const float* x, float* y, int n) {
    IBOT_GRID_STRIDE(i, n) y[i] += alpha * x[i];
}

// x *= s (in place), e.g. the clip factor applied to a gradient
extern "C" __global__ void ibot_scale(float* x, float s, int n) {
    IBOT_GRID_STRIDE(i, n) x[i] *= s;
}

// Exact GELU: y = x * Phi(x)
extern "C" __global__ void ibot_gelu(const float* x, float* y, int n) {
    IBOT_GRID_STRIDE(i, n) {
        float v = x[i];
        y[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
    }
}

// gx = gy * (Phi(x) + x * phi(x))
extern "C" __global__ void ibot_gelu_backward(const float* x, const float* gy, float* gx, int n) {
    IBOT_GRID_STRIDE(i, n) {
        float v = x[i];
        float cdf = 0.5f * (1.0f + erff(v * 0.70710678118654752f));
        float pdf = 0.39894228040143268f * expf(-0.5f * v * v);
        gx[i] = gy[i] * (cdf + v * pdf);
    }
}
