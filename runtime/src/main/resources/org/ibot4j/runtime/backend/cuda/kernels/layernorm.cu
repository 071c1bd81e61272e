// Layer norm over rows of cols floats. w and b may be null (= 1 and 0). One block per row.

extern "C" __global__ void ibot_layernorm_rows(const float* x, const float* w, const float* b, float* y,
                                               float* mean, float* rstd, int rows, int cols, float eps) {
    __shared__ float scratch[32];
    int r = blockIdx.x;
    if (r >= rows) return;
    const float* xr = x + (long long) r * cols;
    float* yr = y + (long long) r * cols;
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
    float mu = ibot_block_sum(s, scratch) / cols;
    float v = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) { float d = xr[j] - mu; v += d * d; }
    float rs = 1.0f / sqrtf(ibot_block_sum(v, scratch) / cols + eps);
    if (threadIdx.x == 0) { mean[r] = mu; rstd[r] = rs; }
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float h = (xr[j] - mu) * rs;
        if (w) h *= w[j];
        if (b) h += b[j];
        yr[j] = h;
    }
}

// gx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = gy * w. gx may be null (then nothing is written).
extern "C" __global__ void ibot_layernorm_backward_rows(const float* x, const float* w, const float* mean,
                                                        const float* rstd, const float* gy, float* gx, int rows, int cols) {
    __shared__ float scratch[32];
    int r = blockIdx.x;
    if (r >= rows || !gx) return;
    long long base = (long long) r * cols;
    float mu = mean[r], rs = rstd[r];
    float sg = 0.0f, sgx = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float xhat = (x[base + j] - mu) * rs;
        float g = gy[base + j] * (w ? w[j] : 1.0f);
        sg += g;
        sgx += g * xhat;
    }
    sg = ibot_block_sum(sg, scratch) / cols;
    sgx = ibot_block_sum(sgx, scratch) / cols;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float xhat = (x[base + j] - mu) * rs;
        float g = gy[base + j] * (w ? w[j] : 1.0f);
        gx[base + j] = rs * (g - sg - xhat * sgx);
    }
}

// gw += sum_rows gy * xhat, gb += sum_rows gy: one thread per column (coalesced across a row), either may be null.
extern "C" __global__ void ibot_layernorm_backward_params(const float* x, const float* mean, const float* rstd,
                                                          const float* gy, float* gw, float* gb, int rows, int cols) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= cols) return;
    double sw = 0.0, sb = 0.0;
    for (int r = 0; r < rows; r++) {
        long long i = (long long) r * cols + j;
        float g = gy[i];
        sw += (double) g * ((x[i] - mean[r]) * rstd[r]);
        sb += (double) g;
    }
    if (gw) gw[j] += (float) sw;
    if (gb) gb[j] += (float) sb;
}
