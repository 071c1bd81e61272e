package org.ibot4j.runtime.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Compares an ibot4j tensor with golden values under a {@link Tol} and prints one line per comparison
 * ({@code [golden] what maxAbs=… maxRel=… scale=…}) so error levels show up in the test log. maxRel is the
 * largest {@code |a-e| / |e|} over elements with {@code |e| >= 1e-3 * max|e|}.
 */
final class GoldenAssert {
    private GoldenAssert() {}

    /** The observed errors of one comparison. */
    record Errors(double maxAbs, double maxRel, double scale) {}

    static Errors assertClose(String what, Tensor expected, Tensor actual, Tol tol) {
        assertNotNull(actual, what + ": ibot4j produced null");
        assertArrayEquals(expected.dims(), actual.dims(),
                what + ": shape " + Arrays.toString(actual.dims()) + " != expected " + Arrays.toString(expected.dims()));
        float[] e = expected.toArray(), a = actual.toArray();
        double scale = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        double atol = tol.scaleFactor() * scale;
        double maxAbs = 0, maxRel = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            if (Double.isNaN(d)) fail(what + ": NaN at flat index " + i + " (expected " + e[i] + ", got " + a[i] + ")");
            maxAbs = Math.max(maxAbs, d);
            if (Math.abs(e[i]) >= 1e-3 * scale && e[i] != 0) maxRel = Math.max(maxRel, d / Math.abs(e[i]));
            double excess = d - (tol.rtol() * Math.abs(e[i]) + atol);
            if (excess > worstExcess) { worstExcess = excess; worst = i; }
        }
        System.out.printf("[golden] %-48s maxAbs=%.3e maxRel=%.3e scale=%.3e%n", what, maxAbs, maxRel, scale);
        if (worst >= 0)
            fail(String.format("%s: flat index %d expected %s got %s (|diff| %.3e > rtol %.0e * |e| + atol %.3e); maxAbs %.3e",
                    what, worst, e[worst], a[worst], Math.abs((double) a[worst] - e[worst]), tol.rtol(), atol, maxAbs));
        return new Errors(maxAbs, maxRel, scale);
    }
}
