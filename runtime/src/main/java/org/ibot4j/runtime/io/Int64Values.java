package org.ibot4j.runtime.io;

import java.io.IOException;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The int64 form of a tensor saved as {@link org.ibot4j.runtime.tensor.DType#I64}: its float32 values in
 * row-major order, each checked to be a whole number in the int64 range, so a writer fails before it
 * creates the file rather than truncating a value silently.
 */
final class Int64Values {
    private static final double LIMIT = 0x1p63;

    private Int64Values() {}

    /** The values of {@code t} as longs; {@code where} names the tensor in the error. */
    static long[] of(Tensor t, String where) throws IOException {
        float[] v = t.toArray();
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            float f = v[i];
            if (!(f == Math.rint(f) && Math.abs((double) f) < LIMIT))
                throw new IOException("tensor " + where + " is saved as int64 but element " + i + " is " + f
                        + ", not a whole number in the int64 range");
            out[i] = (long) f;
        }
        return out;
    }
}
