// Two-pass deterministic reductions: each block writes one double partial, one block sums the partials in order.

extern "C" __global__ void ibot_sum_partial(const float* x, int n, double* partial) {
    __shared__ double scratch[32];
    double s = 0.0;
    IBOT_GRID_STRIDE(i, n) s += (double) x[i];
    s = ibot_block_sum_d(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// Sum of squares: the pass gradient-norm clipping needs (norm = sqrt of the total).
extern "C" __global__ void ibot_sumsq_partial(const float* x, int n, double* partial) {
    __shared__ double scratch[32];
    double s = 0.0;
    IBOT_GRID_STRIDE(i, n) { double v = (double) x[i]; s += v * v; }
    s = ibot_block_sum_d(s, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// One block: out[0] = sum of count partials.
extern "C" __global__ void ibot_sum_finalize(const double* partial, int count, double* out) {
    __shared__ double scratch[32];
    double s = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) s += partial[i];
    s = ibot_block_sum_d(s, scratch);
    if (threadIdx.x == 0) out[0] = s;
}

// Per-tensor clipping: given the tensor's squared norm, scale g by maxNorm / (norm + 1e-6) when norm > maxNorm.
extern "C" __global__ void ibot_clip_by_norm(float* g, int n, const double* sumsq, float maxNorm) {
    float norm = (float) sqrt(sumsq[0]);
    float coef = (1.0f / (norm + 1e-6f)) * maxNorm;
    if (coef >= 1.0f) return;
    IBOT_GRID_STRIDE(i, n) g[i] *= coef;
}
