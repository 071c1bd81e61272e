package org.ibot4j.runtime.backend.cuda;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.TreeMap;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.nativebind.cuda.CudaException;
import org.ibot4j.runtime.tensor.DeviceStorage;

/**
 * The caching allocator behind every {@link DeviceStorage}. {@code cuMemAlloc} and {@code cuMemFree} synchronise the
 * device, so blocks are allocated once and reused: when a storage becomes unreachable its {@link Cleaner} action puts
 * the block back in a free list (by rounded size), and the next request of that size takes it. That is safe because
 * all work runs in order on one stream: a kernel enqueued later that reuses a block runs after every kernel that read
 * the block before.
 *
 * <p>The JVM does not see device memory, so the pool asks for a garbage collection when the bytes it has reserved
 * would pass a budget (90% of the device's memory at start, or {@code -Dibot4j.cuda.memory=<MiB>}); on
 * {@code CUDA_ERROR_OUT_OF_MEMORY} it collects, waits for the cleaners, frees the cached blocks and tries once more
 * before failing with the sizes involved.
 */
public final class CudaMemory {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final long SMALL = 1 << 20;

    private static final TreeMap<Long, ArrayDeque<Long>> FREE = new TreeMap<>();
    private static long inUse, peakInUse, reserved, peakReserved, cached;
    private static long allocations, reuses, liveAfterCollect;
    private static long budget = -1;

    private CudaMemory() {}

    /** Counters of the pool: bytes held by live tensors and reserved from the driver, now and at their peak. */
    public record Stats(long inUseBytes, long peakInUseBytes, long reservedBytes, long peakReservedBytes, long cachedBytes,
                        long driverAllocations, long reuses) {}

    /** An uninitialised device storage of {@code n} floats; returned to the pool when unreachable. */
    public static DeviceStorage allocate(int n) {
        if (n < 0) throw new IllegalArgumentException("negative element count " + n);
        long bytes = rounded(Math.max(1L, n) * Float.BYTES);
        long address = take(bytes);
        DeviceStorage s = new DeviceStorage(address, n);
        CLEANER.register(s, () -> giveBack(address, bytes));
        return s;
    }

    /** Rounds a request: 512 B steps below 1 MiB, 2 MiB steps above (few distinct sizes, so blocks are reused). */
    static long rounded(long bytes) {
        long step = bytes < SMALL ? 512 : 2L << 20;
        return (bytes + step - 1) / step * step;
    }

    private static long take(long bytes) {
        long a = reuse(bytes);
        if (a != 0) return a;
        if (reservedBytes() + bytes > budget()) {  // over budget: reclaim garbage, then unused blocks of other sizes
            collect();
            a = reuse(bytes);
            if (a != 0) return a;
            releaseCached();
        }
        Cuda.makeCurrent();
        try {
            a = CudaDriver.memAlloc(bytes);
        } catch (CudaException oom) {
            collect();
            releaseCached();
            try {
                a = CudaDriver.memAlloc(bytes);
            } catch (CudaException again) {
                Stats s = stats();
                throw new CudaException("CUDA", again.code(), again.errorName(), "cuMemAlloc_v2", "allocating " + mib(bytes)
                        + " MiB failed: " + s.inUseBytes() / (1 << 20) + " MiB in use by live tensors, "
                        + s.reservedBytes() / (1 << 20) + " MiB reserved; use a smaller batch or model");
            }
        }
        synchronized (CudaMemory.class) {
            reserved += bytes;
            peakReserved = Math.max(peakReserved, reserved);
            inUse += bytes;
            peakInUse = Math.max(peakInUse, inUse);
            allocations++;
        }
        return a;
    }

    /** A cached block of exactly {@code bytes} (sizes are rounded, so exact matches are the common case), or 0. */
    private static synchronized long reuse(long bytes) {
        ArrayDeque<Long> q = FREE.get(bytes);
        if (q == null) return 0;
        long a = q.pop();
        if (q.isEmpty()) FREE.remove(bytes);
        cached -= bytes;
        inUse += bytes;
        peakInUse = Math.max(peakInUse, inUse);
        reuses++;
        return a;
    }

    private static synchronized void giveBack(long address, long bytes) {
        FREE.computeIfAbsent(bytes, k -> new ArrayDeque<>()).push(address);
        inUse -= bytes;
        cached += bytes;
    }

    /**
     * Runs a garbage collection and waits (up to 100 ms) until the cleaners stop returning blocks, so the storage of
     * unreachable tensors is back in the pool.
     */
    public static void collect() {
        System.gc();
        long last = -1;
        for (int i = 0; i < 100; i++) {
            long now = stats().inUseBytes();
            if (now == last && i >= 2) break;
            last = now;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (CudaMemory.class) { liveAfterCollect = inUse; }
    }

    /**
     * Collects when the bytes held by tensors (live or not yet cleaned) have grown past twice what was live after the
     * last collection (plus 64 MiB). Called once per training step, it bounds the device memory of a run to about two
     * steps' activations above its persistent state, without a collection every step.
     */
    public static void collectIfGrown() {
        long held, base;
        synchronized (CudaMemory.class) {
            held = inUse;
            base = liveAfterCollect;
        }
        if (held > 2 * base + (64L << 20)) collect();
    }

    /** Frees every cached (unused) block back to the driver. */
    public static synchronized void releaseCached() {
        if (FREE.isEmpty()) return;
        Cuda.makeCurrent();
        for (var e : FREE.entrySet())
            for (long a : e.getValue()) {
                CudaDriver.memFree(a);
                reserved -= e.getKey();
            }
        FREE.clear();
        cached = 0;
    }

    private static synchronized long reservedBytes() { return reserved; }

    private static synchronized long budget() {
        if (budget < 0) {
            String mib = System.getProperty("ibot4j.cuda.memory");
            if (mib != null && !mib.isBlank()) budget = Long.parseLong(mib.trim()) << 20;
            else budget = (long) (CudaDriver.memGetInfo()[1] * 0.9);
        }
        return budget;
    }

    /** The pool's counters now. */
    public static synchronized Stats stats() {
        return new Stats(inUse, peakInUse, reserved, peakReserved, cached, allocations, reuses);
    }

    /** Starts the peak counters again from the current values. */
    public static synchronized void resetPeaks() {
        peakInUse = inUse;
        peakReserved = reserved;
    }

    private static long mib(long bytes) { return (bytes + (1 << 20) - 1) >> 20; }
}
