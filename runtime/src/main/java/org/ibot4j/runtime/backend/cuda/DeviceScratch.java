package org.ibot4j.runtime.backend.cuda;

import org.ibot4j.nativebind.cuda.CudaDriver;

/**
 * Grow-only device buffers reused across backend calls, one per slot: a call that needs slot i of b bytes
 * reuses the buffer when it is large enough and otherwise frees it and allocates a larger one (rounded up to
 * 1 MiB). Not thread-safe: the backend serialises calls.
 */
final class DeviceScratch {
    private final long[] ptr;
    private final long[] cap;

    DeviceScratch(int slots) {
        ptr = new long[slots];
        cap = new long[slots];
    }

    /** A device buffer of at least {@code bytes} in {@code slot}. */
    long get(int slot, long bytes) {
        if (bytes <= cap[slot]) return ptr[slot];
        if (ptr[slot] != 0) CudaDriver.memFree(ptr[slot]);
        long size = Math.max(bytes, 256);
        size = (size + (1 << 20) - 1) & -(1L << 20);
        ptr[slot] = 0;
        cap[slot] = 0;
        ptr[slot] = CudaDriver.memAlloc(size);
        cap[slot] = size;
        return ptr[slot];
    }

    /** Frees every slot's buffer. */
    void free() {
        for (int i = 0; i < ptr.length; i++) {
            if (ptr[i] != 0) CudaDriver.memFree(ptr[i]);
            ptr[i] = 0;
            cap[i] = 0;
        }
    }

    /** Bytes held by all slots. */
    long heldBytes() {
        long s = 0;
        for (long c : cap) s += c;
        return s;
    }
}
