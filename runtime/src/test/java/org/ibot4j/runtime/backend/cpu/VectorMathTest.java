package org.ibot4j.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The vector exp, log and tanh against java.lang.Math in double, measured in float ulps of the exact
 * result: at most 2 ulp over their whole ranges, with IEEE special values reproduced.
 */
class VectorMathTest {
    private static final ErfTest.Span EXP = (x, xOff, y, yOff, n) -> VectorMath.exp(x, xOff, 0f, y, yOff, n, new float[VectorMath.L]);

    @Test
    void expIsWithinTwoUlpFromUnderflowToOverflow() {
        float[] x = grid(-87.3f, 88.7f, 1_000_003);
        assertUlps(x, EXP, Math::exp, 2.0, "exp");
    }

    @Test
    void expCoversSubnormalResultsOverflowAndSpecials() {
        float[] x = {-87.5f, -95f, -100f, -103.9f, -104f, -105f, -200f, 88.72f, 88.73f, 89f, 100f, 0f, -0f,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -1e-30f};
        float[] got = ErfTest.apply(x, EXP);
        for (int i = 0; i < x.length; i++) {
            float ref = (float) Math.exp(x[i]);
            if (Float.isNaN(ref) || Float.isInfinite(ref) || ref == 0f) {
                assertEquals(ref, got[i], "exp(" + x[i] + ")");
            } else {
                // subnormal results carry fewer bits; allow two of the smallest subnormal steps besides 2 ulp
                assertEquals(ref, got[i], 2 * Math.ulp(ref) + 2 * Float.MIN_VALUE, "exp(" + x[i] + ")");
            }
        }
    }

    @Test
    void logIsWithinTwoUlpIncludingSubnormalArguments() {
        int n = 1_000_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = Float.intBitsToFloat(1 + (int) ((long) i * (0x7f7fffffL - 1) / (n - 1)));  // all binades
        assertUlps(x, VectorMath::log, Math::log, 2.0, "log");
        assertUlps(grid(0.5f, 2f, 1_000_001), VectorMath::log, Math::log, 2.0, "log near 1");
    }

    @Test
    void logSpecialValues() {
        float[] x = {0f, -0f, -1f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 1f, Float.MIN_VALUE};
        float[] got = ErfTest.apply(x, VectorMath::log);
        for (int i = 0; i < x.length; i++) assertEquals((float) Math.log(x[i]), got[i], 1e-6f, "log(" + x[i] + ")");
    }

    @Test
    void tanhIsWithinTwoUlp() {
        assertUlps(grid(-12f, 12f, 1_000_001), VectorMath::tanh, Math::tanh, 2.0, "tanh");
        assertUlps(grid(-1e-3f, 1e-3f, 100_001), VectorMath::tanh, Math::tanh, 2.0, "tanh near 0");
        float[] x = {0f, -0f, 50f, -50f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        float[] got = ErfTest.apply(x, VectorMath::tanh);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits((float) Math.tanh(x[i])), Float.floatToIntBits(got[i]), "tanh(" + x[i] + ")");
        }
    }

    private static float[] grid(float lo, float hi, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (double) (hi - lo) * i / (n - 1));
        return x;
    }

    private static void assertUlps(float[] x, ErfTest.Span f, DoubleUnaryOperator ref, double maxUlps, String what) {
        float[] got = ErfTest.apply(x, f);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.length; i++) {
            double r = ref.applyAsDouble(x[i]);
            double ulps = Math.abs(got[i] - r) / Math.ulp((float) r);
            if (Double.isNaN(ulps) || ulps > worst) { worst = ulps; at = x[i]; }
        }
        assertTrue(worst <= maxUlps, what + ": max error " + worst + " ulp at x=" + at);
    }
}
