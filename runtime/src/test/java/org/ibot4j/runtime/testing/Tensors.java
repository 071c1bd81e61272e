package org.ibot4j.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Small helpers for op tests: seeded random inputs that need grad, and value comparisons. */
public final class Tensors {
    private Tensors() {}

    /** Standard normal leaf that requires grad. */
    public static Tensor randn(long seed, int... dims) { return Tensor.randn(new Rng(seed), dims).requiresGrad(true); }

    /** Uniform [lo, hi) leaf that requires grad. */
    public static Tensor uniform(long seed, float lo, float hi, int... dims) {
        return Tensor.uniform(new Rng(seed), lo, hi, dims).requiresGrad(true);
    }

    /** Asserts shape and every value within {@code tol}. */
    public static void assertClose(float[] expected, Tensor actual, double tol) {
        assertEquals(expected.length, actual.size(), "element count of " + actual.shape());
        float[] a = actual.toArray();
        for (int i = 0; i < a.length; i++)
            assertEquals(expected[i], a[i], tol, "element " + i + " of " + actual.shape());
    }

    public static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.dims(), actual.dims(), "shape");
        assertClose(expected.toArray(), actual, tol);
    }
}
