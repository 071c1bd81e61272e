// CUDA-on-the-CPU shim (scripts/emulated-cuda-check.sh): lets the project's real CUDA C kernel files
// (runtime/.../cuda/kernels, common.cuh + one .cu) compile with g++ as host code, so the fake libcuda runs the
// actual kernel code instead of its C twin. The threads of a block are cooperative fibers on the launching thread
// (emu_launch.cpp): a fiber runs until it reaches __syncthreads or a warp shuffle, so blocks run one at a time,
// deterministically, and function-static storage serves as the block's shared memory.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <math.h>
#include <tuple>
#include <type_traits>
#include <utility>

#define __global__
#define __device__ static
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __restrict__ __restrict

/** CUDA's dim3 as the kernels read it (x, y, z). */
struct emu_dim3 {
    unsigned x = 1, y = 1, z = 1;
};

// The running fiber's coordinates, set by the scheduler before it resumes a fiber (one launch at a time).
extern emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

extern "C" {
/** __syncthreads(): waits until every live thread of the block has arrived. */
void emu_syncthreads(void);
/** Warp shuffle (xor) of an 8-byte slot: stores v for this lane and returns lane ^ laneMask's slot. */
void emu_shfl_xor(const void* v, void* out, unsigned size, int laneMask);
/** Registers a launcher under a kernel name (static initialisers of each kernel translation unit). */
void emu_register(const char* name, void (*launcher)(void** params));
/** Runs fn(ctx) as every thread of every block of the current launch's grid. */
void emu_run_grid(void (*fn)(void*), void* ctx);
}

static inline void __syncthreads() { emu_syncthreads(); }

template <typename T>
static inline T __shfl_xor_sync(unsigned /*mask*/, T v, int laneMask, int /*width*/ = 32) {
    static_assert(sizeof(T) <= 8, "shuffle of a value wider than 8 bytes");
    T out;
    emu_shfl_xor(&v, &out, sizeof(T), laneMask);
    return out;
}

// One launch runs at a time on one OS thread (emu_launch holds a lock), so a plain add is atomic here.
static inline float atomicAdd(float* p, float v) {
    float old = *p;
    *p = old + v;
    return old;
}

static inline unsigned __float_as_uint(float v) { return std::bit_cast<unsigned>(v); }
static inline int __float_as_int(float v) { return std::bit_cast<int>(v); }
static inline float __uint_as_float(unsigned v) { return std::bit_cast<float>(v); }
static inline float __int_as_float(int v) { return std::bit_cast<float>(v); }

namespace emu {

template <typename... A, std::size_t... I>
static std::tuple<std::remove_cvref_t<A>...> unpack(void** params, std::index_sequence<I...>) {
    return {*static_cast<std::remove_cvref_t<A>*>(params[I])...};
}

/** cuLaunchKernel's void** params unpacked into K's typed arguments, then K run over the grid. */
template <auto K, typename... A>
static void launch(void (*)(A...), void** params) {
    auto args = unpack<A...>(params, std::index_sequence_for<A...>{});
    emu_run_grid([](void* ctx) { std::apply(K, *static_cast<decltype(args)*>(ctx)); }, &args);
}

struct registrar {
    registrar(const char* name, void (*launcher)(void**)) { emu_register(name, launcher); }
};

}  // namespace emu

/** Registers kernel K (after its .cu file is included) under its own name. */
#define EMU_REGISTER(K) \
    static emu::registrar emu_reg_##K(#K, [](void** params) { emu::launch<&K>(&K, params); });
