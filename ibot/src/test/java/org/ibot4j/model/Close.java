package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.runtime.tensor.Tensor;

/** Comparison of a result with golden data, error measured against the expected tensor's scale. */
final class Close {
    private Close() {}

    /**
     * Asserts equal shapes and {@code max|a−e| ≤ rel · max(1, max|e|)}; returns the max abs error so tests can
     * report it.
     */
    static double assertClose(String what, Tensor expected, Tensor actual, double rel) {
        assertArrayEquals(expected.dims(), actual.dims(), what + ": shape");
        float[] e = expected.toArray(), a = actual.toArray();
        double err = 0, scale = 0;
        for (int i = 0; i < e.length; i++) {
            err = Math.max(err, Math.abs((double) a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        double tol = rel * Math.max(1, scale);
        System.out.printf("%-40s max|err| %.3e  scale %.3e  (tol %.1e)%n", what, err, scale, tol);
        assertTrue(err <= tol, what + ": max abs error " + err + " > " + tol + " (scale " + scale + ")");
        return err;
    }
}
