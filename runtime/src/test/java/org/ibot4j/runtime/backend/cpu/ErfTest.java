package org.ibot4j.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The vector erf and normal CDF against the double reference {@link Erf#erf}: erf within 1e-7 absolute on a
 * dense grid of [-10, 10] and at extreme arguments; Phi within 5e-7 relative (so GELU's tail keeps accuracy).
 */
class ErfTest {
    @Test
    void referenceErfMatchesKnownValues() {
        // erf at a few points, 16 digits (Abramowitz & Stegun table / any CAS).
        assertEquals(0.0, Erf.erf(0.0));
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, Erf.erf(2.0), 1e-15);
        assertEquals(-0.9999779095030014, Erf.erf(-3.0), 1e-15);
        assertEquals(1.0, Erf.erf(7.0));
    }

    @Test
    void vectorErfIsWithin1e7AbsoluteOnDenseGrid() {
        int n = 2_000_001;  // step 1e-5 over [-10, 10]
        float[] z = new float[n];
        for (int i = 0; i < n; i++) z[i] = (float) (-10.0 + 20.0 * i / (n - 1));
        float[] got = erf(z);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < n; i++) {
            double err = Math.abs(got[i] - Erf.erf(z[i]));
            if (err > worst) { worst = err; at = z[i]; }
        }
        assertTrue(worst <= 1e-7, "max |erf error| " + worst + " at z=" + at);
    }

    @Test
    void vectorErfIsRelativelyAccurateNearZero() {
        float[] z = new float[4000];
        for (int i = 0; i < z.length; i++) z[i] = (float) Math.scalb(1.0 + i / 4000.0, -(i % 120));  // 2^-119 .. 2
        float[] got = erf(z);
        for (int i = 0; i < z.length; i++) {
            double ref = Erf.erf(z[i]);
            assertEquals(ref, got[i], 2.5e-7 * Math.abs(ref), "erf(" + z[i] + ")");
        }
    }

    @Test
    void vectorErfHandlesExtremeArguments() {
        float[] z = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, 3.9f, 4f, 6f, 9f, 12f, 50f,
                1e10f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        float[] got = erf(z);
        for (int i = 0; i < z.length; i++) {
            if (Float.isNaN(z[i])) { assertTrue(Float.isNaN(got[i]), "erf(NaN) must be NaN"); continue; }
            double ref = Float.isInfinite(z[i]) ? Math.signum(z[i]) : Erf.erf(z[i]);
            assertEquals(ref, got[i], 1e-7, "erf(" + z[i] + ")");
            if (Math.abs(z[i]) < 1e-3 && Math.abs(ref) >= Float.MIN_NORMAL) assertEquals(ref, got[i], 2.5e-7 * Math.abs(ref), "erf(" + z[i] + ") relative");
        }
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(got[0]), "erf(+0) = +0");
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(got[1]), "erf(-0) = -0");
    }

    @Test
    void vectorErfIsOdd() {
        int n = 100_000;
        float[] z = new float[n], nz = new float[n];
        for (int i = 0; i < n; i++) { z[i] = i * 1e-4f; nz[i] = -z[i]; }
        float[] p = erf(z), m = erf(nz);
        for (int i = 0; i < n; i++) assertEquals(-p[i], m[i], 0f, "erf(-z) = -erf(z) at z=" + z[i]);
    }

    @Test
    void normalCdfIsRelativelyAccurateIncludingTheTail() {
        int n = 200_001;  // [-12, 12]: Phi(-12) ~ 2e-33, well inside normal floats
        double worst = 0;
        float at = 0;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (-12.0 + 24.0 * i / (n - 1));
        float[] got = apply(x, VectorMath::normalCdf);
        for (int i = 0; i < n; i++) {
            double ref = phi(x[i]);
            double err = Math.abs(got[i] - ref) / ref;
            if (err > worst) { worst = err; at = x[i]; }
        }
        assertTrue(worst <= 5e-7, "max relative Phi error " + worst + " at x=" + at);
    }

    /** Phi(x) in double: 0.5 (1 + erf(x/sqrt2)), or 0.5 erfc(|z|) from its continued fraction in the lower tail. */
    private static double phi(double x) {
        double z = x / Math.sqrt(2);
        if (z > -0.7) return 0.5 * (1 + Erf.erf(z));
        double a = -z, t = a;  // erfc(a) = e^{-a^2}/sqrt(pi) / (a + (1/2)/(a + (2/2)/(a + (3/2)/(a + ...))))
        for (int k = 300; k >= 1; k--) t = a + (k / 2.0) / t;
        return 0.5 * Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
    }

    private static float[] erf(float[] z) { return apply(z, VectorMath::erf); }

    /** A span function of VectorMath: y[yOff, yOff + n) = f(x[xOff, xOff + n)). */
    interface Span { void run(float[] x, int xOff, float[] y, int yOff, int n); }

    /** f over the whole array, run at non-zero offsets. */
    static float[] apply(float[] in, Span f) {
        float[] x = new float[in.length + 3], y = new float[in.length + 1];
        System.arraycopy(in, 0, x, 3, in.length);
        f.run(x, 3, y, 1, in.length);
        return java.util.Arrays.copyOfRange(y, 1, in.length + 1);
    }
}
