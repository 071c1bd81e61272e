package org.ibot4j.runtime.io;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * One storage of a checkpoint as it lies in the archive: its bytes (a slice of the file mapping, or an
 * inflated copy for a compressed entry), element type and byte order. Both the eager reader and
 * {@link LazyTensor} convert through {@link #read}, the single place where stored elements become float32.
 */
record StoredArray(String source, String key, ElementType type, long numel, MemorySegment data, ByteOrder order) {
    /** Converts {@code count} elements starting at element {@code index} into {@code dst[dstOff..]}. */
    void read(long index, float[] dst, int dstOff, int count) {
        if (!data.scope().isAlive())
            throw new IllegalStateException(source + ": storage '" + key + "' read after its archive was closed "
                    + "(read lazy tensors before closing the PthArchive)");
        type.readFloats(data, index * type.bytes(), dst, dstOff, count, order);
    }

    /** The whole storage as a fresh float32 array. */
    float[] readAll() {
        float[] values = new float[(int) numel];
        read(0, values, 0, values.length);
        return values;
    }
}
