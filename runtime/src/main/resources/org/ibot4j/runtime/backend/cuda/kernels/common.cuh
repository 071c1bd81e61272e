// Shared prelude of every ibot4j CUDA kernel file: the loader (CudaKernels) and the nvcc -ptx check put it in
// front of each file, so every file compiles on its own with NVRTC (no system headers are included).
// Row kernels run one block per row with blockDim.x a power of two <= 1024 (the Java side uses 256).

#define IBOT_WARP 32
#define IBOT_NEG_INF __int_as_float(0xff800000)

__device__ __forceinline__ float ibot_warp_sum(float v) {
    for (int o = IBOT_WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float ibot_warp_max(float v) {
    for (int o = IBOT_WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ double ibot_warp_sum_d(double v) {
    for (int o = IBOT_WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Sum of v over the block, returned to every thread. scratch: >= 32 floats of shared memory.
__device__ __forceinline__ float ibot_block_sum(float v, float* scratch) {
    int lane = threadIdx.x % IBOT_WARP, warp = threadIdx.x / IBOT_WARP;
    int warps = (blockDim.x + IBOT_WARP - 1) / IBOT_WARP;
    v = ibot_warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = threadIdx.x < warps ? scratch[threadIdx.x] : 0.0f;
    if (warp == 0) v = ibot_warp_sum(v);
    if (threadIdx.x == 0) scratch[0] = v;
    __syncthreads();
    return scratch[0];
}

__device__ __forceinline__ float ibot_block_max(float v, float* scratch) {
    int lane = threadIdx.x % IBOT_WARP, warp = threadIdx.x / IBOT_WARP;
    int warps = (blockDim.x + IBOT_WARP - 1) / IBOT_WARP;
    v = ibot_warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = threadIdx.x < warps ? scratch[threadIdx.x] : IBOT_NEG_INF;
    if (warp == 0) v = ibot_warp_max(v);
    if (threadIdx.x == 0) scratch[0] = v;
    __syncthreads();
    return scratch[0];
}

__device__ __forceinline__ double ibot_block_sum_d(double v, double* scratch) {
    int lane = threadIdx.x % IBOT_WARP, warp = threadIdx.x / IBOT_WARP;
    int warps = (blockDim.x + IBOT_WARP - 1) / IBOT_WARP;
    v = ibot_warp_sum_d(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = threadIdx.x < warps ? scratch[threadIdx.x] : 0.0;
    if (warp == 0) v = ibot_warp_sum_d(v);
    if (threadIdx.x == 0) scratch[0] = v;
    __syncthreads();
    return scratch[0];
}

#define IBOT_GRID_STRIDE(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (long long) blockDim.x * gridDim.x)
