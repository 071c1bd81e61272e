// Runs the real CUDA C kernels (compiled as host code through cuda_emu.h) for the fake libcuda's cuLaunchKernel.
// Blocks run one after another; the blockDim.x threads of a block are persistent cooperative fibers on the
// launching OS thread, each running until it finishes or waits at __syncthreads / a warp shuffle, so a launch is
// deterministic and costs a few context switches per thread (no OS thread per GPU thread). Threads that finish
// drop out of the block's and their warp's barriers, as exited threads do on a GPU.
#include "cuda_emu.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <sys/mman.h>
#include <unordered_map>
#include <vector>

emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace {

constexpr std::size_t STACK_BYTES = 256 * 1024;

#if defined(__x86_64__)
// Saves the callee-saved registers on the current stack, stores its pointer in *save, switches to stack `to`.
extern "C" void emu_switch(void** save, void* to);
asm(R"(
    .text
    .p2align 4
    .type emu_switch, @function
emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch, .-emu_switch
)");
#else
#error "cudaemu: the fiber switch is written for x86-64 only"
#endif

/** A barrier of fibers: expected live members, how many arrived, generation opened so far. */
struct Barrier {
    int expected = 0;
    int arrived = 0;
    unsigned gen = 0;
};

/** A GPU thread: its saved stack pointer, whether it finished, and the barrier generation it waits to open. */
struct Fiber {
    void* sp = nullptr;
    bool done = true;
    const Barrier* waitsOn = nullptr;
    unsigned waitsGen = 0;

    bool runnable() const { return !done && (!waitsOn || waitsOn->gen != waitsGen); }
};

std::vector<Fiber> fibers;
void* schedulerSp;
Fiber* current;
void (*jobFn)(void*);
void* jobCtx;
Barrier blockBarrier;
Barrier warpBarriers[32];
alignas(8) unsigned char shuffleSlots[2][32][32][8];

void yieldToScheduler() { emu_switch(&current->sp, schedulerSp); }

void release(Barrier& b) {
    b.arrived = 0;
    b.gen++;
}

void wait(Barrier& b) {
    unsigned gen = b.gen;
    if (++b.arrived == b.expected) {
        release(b);
        return;
    }
    current->waitsOn = &b;
    current->waitsGen = gen;
    yieldToScheduler();  // resumed once the barrier opened
    current->waitsOn = nullptr;
}

/** The thread leaves its block's and warp's barriers (an exited thread no longer holds them back). */
void leave(Barrier& b) {
    b.expected--;
    if (b.arrived > 0 && b.arrived == b.expected) release(b);
}

[[noreturn]] void fiberEntry() {
    for (;;) {
        jobFn(jobCtx);
        current->done = true;
        leave(blockBarrier);
        leave(warpBarriers[threadIdx.x / 32]);
        yieldToScheduler();  // resumed again only to run the next block's thread
    }
}

void growFibers(unsigned count) {
    while (fibers.size() < count) {
        void* mem = mmap(nullptr, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (mem == MAP_FAILED) {
            std::perror("cudaemu: fiber stack");
            std::abort();
        }
        auto* top = reinterpret_cast<void**>(static_cast<char*>(mem) + STACK_BYTES);
        top[-1] = nullptr;                                        // fiberEntry's (never used) return address
        top[-2] = reinterpret_cast<void*>(&fiberEntry);          // where emu_switch's ret goes first
        for (int r = 3; r <= 8; r++) top[-r] = nullptr;          // rbp rbx r12 r13 r14 r15
        fibers.push_back(Fiber{top - 8, true});
    }
}

std::unordered_map<std::string, void (*)(void**)>& registry() {
    static std::unordered_map<std::string, void (*)(void**)> kernels;
    return kernels;
}

std::mutex launchLock;
std::set<std::string> logged;

/** Appends "emulated NAME" / "twin NAME" once per name to $IBOT_EMU_STATS, when set. */
void logOnce(const char* what, const char* name) {
    const char* path = std::getenv("IBOT_EMU_STATS");
    if (!path || !logged.insert(name).second) return;
    if (FILE* f = std::fopen(path, "a")) {
        std::fprintf(f, "%s %s\n", what, name);
        std::fclose(f);
    }
}

}  // namespace

extern "C" void emu_syncthreads(void) { wait(blockBarrier); }

extern "C" void emu_shfl_xor(const void* v, void* out, unsigned size, int laneMask) {
    unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    // Consecutive shuffles of a warp alternate between two slot sets (by the barrier's generation), so one barrier
    // suffices: a lane rewrites a set only after the next barrier, which every lane reaches after its read.
    unsigned set = warpBarriers[warp].gen & 1u;
    std::memcpy(shuffleSlots[set][warp][lane], v, size);
    wait(warpBarriers[warp]);
    std::memcpy(out, shuffleSlots[set][warp][(lane ^ (unsigned) laneMask) & 31u], size);
}

extern "C" void emu_register(const char* name, void (*launcher)(void** params)) { registry()[name] = launcher; }

/**
 * IBOT_EMU_ORDER=reverse runs a block's warps (and the lanes of a warp) from the last to the first: a kernel that reads
 * shared memory another warp writes without a __syncthreads between them then reads it before it is written (the
 * default order hides such a race when the writer has the lower index).
 */
static const bool reverseOrder = [] {
    const char* order = std::getenv("IBOT_EMU_ORDER");
    return order && std::string(order) == "reverse";
}();

extern "C" void emu_run_grid(void (*fn)(void*), void* ctx) {
    unsigned bx = blockDim.x;
    growFibers(bx);
    jobFn = fn;
    jobCtx = ctx;
    for (unsigned b = 0; b < gridDim.x; b++) {
        blockIdx.x = b;
        blockBarrier = Barrier{(int) bx, 0, 0};
        for (unsigned w = 0; w < (bx + 31) / 32; w++) warpBarriers[w] = Barrier{(int) std::min(32u, bx - 32 * w), 0, 0};
        for (unsigned t = 0; t < bx; t++) fibers[t].done = false;
        // Warp by warp: a warp runs until all its threads finished or wait at __syncthreads, then the next warp;
        // so one warp gets as far ahead of the others as a GPU may let it (a missing __syncthreads then shows).
        unsigned warps = (bx + 31) / 32;
        for (unsigned live = bx; live > 0;) {
            bool progressed = false;
            for (unsigned wi = 0; wi < warps; wi++) {
                unsigned w = reverseOrder ? warps - 1 - wi : wi;
                unsigned lanes = std::min(32u, bx - 32 * w);
                for (bool again = true; again;) {
                    again = false;
                    for (unsigned li = 0; li < lanes; li++) {
                        unsigned t = 32 * w + (reverseOrder ? lanes - 1 - li : li);
                        Fiber& f = fibers[t];
                        if (!f.runnable()) continue;
                        threadIdx.x = t;
                        current = &f;
                        emu_switch(&schedulerSp, f.sp);
                        if (f.done) live--;
                        again = progressed = true;
                    }
                }
            }
            if (!progressed) {
                std::fprintf(stderr, "cudaemu: deadlock in block %u: %u threads wait at barriers others never reach\n",
                             b, live);
                std::abort();
            }
        }
    }
}

/**
 * Runs kernel `name` over gx blocks of bx threads with cuLaunchKernel's params; 0 when it ran, 1 on a bad launch,
 * -1 when the kernel is not emulated (the caller falls back to its C twin).
 */
extern "C" __attribute__((visibility("default"))) int emu_launch(const char* name, unsigned gx, unsigned bx,
                                                                  unsigned shmem, void** params) {
    std::lock_guard<std::mutex> hold(launchLock);
    auto it = registry().find(name);
    if (it == registry().end()) {
        logOnce("twin", name);
        return -1;
    }
    if (bx == 0 || bx > 1024 || gx == 0 || shmem != 0) {
        std::fprintf(stderr, "cudaemu: bad launch of %s: grid %u, block %u, dynamic shared %u bytes\n", name, gx, bx, shmem);
        return 1;
    }
    logOnce("emulated", name);
    gridDim = emu_dim3{gx, 1, 1};
    blockDim = emu_dim3{bx, 1, 1};
    it->second(params);
    return 0;
}
