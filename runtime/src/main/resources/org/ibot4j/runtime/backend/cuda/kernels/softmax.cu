// Row softmax / log-softmax and their gradients: one block per row of cols floats.

extern "C" __global__ void ibot_softmax_rows(const float* x, float* y, int rows, int cols, int logMode) {
    __shared__ float scratch[32];
    int r = blockIdx.x;
    if (r >= rows) return;
    const float* xr = x + (long long) r * cols;
    float* yr = y + (long long) r * cols;
    float m = IBOT_NEG_INF;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) m = fmaxf(m, xr[j]);
    m = ibot_block_max(m, scratch);
    if (m == IBOT_NEG_INF) m = 0.0f;  // a fully masked row: keep the arithmetic NaN-free
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += expf(xr[j] - m);
    s = ibot_block_sum(s, scratch);
    if (logMode) {
        float lse = logf(s);
        for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = xr[j] - m - lse;
    } else {
        float inv = 1.0f / s;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = expf(xr[j] - m) * inv;
    }
}

// softmax: gx = y * (gy - sum(gy*y)); log-softmax: gx = gy - exp(y) * sum(gy)
extern "C" __global__ void ibot_softmax_backward_rows(const float* y, const float* gy, float* gx, int rows, int cols,
                                                      int logMode) {
    __shared__ float scratch[32];
    int r = blockIdx.x;
    if (r >= rows) return;
    long long base = (long long) r * cols;
    float d = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) d += logMode ? gy[base + j] : gy[base + j] * y[base + j];
    d = ibot_block_sum(d, scratch);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float yv = y[base + j], g = gy[base + j];
        gx[base + j] = logMode ? g - expf(yv) * d : yv * (g - d);
    }
}
