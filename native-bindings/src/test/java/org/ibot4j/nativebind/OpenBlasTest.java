package org.ibot4j.nativebind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OpenBlasTest {
    private static void requireLibrary() {
        assumeTrue(OpenBlas.isAvailable(), "libopenblas is not installed; skipping");
    }

    /** Plain triple loop in double: the truth the native call is compared with. */
    private static void reference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++)
                    acc += (double) (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p])
                            * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * acc + (beta == 0f ? 0 : beta * c[ci]));
            }
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    @Test void sgemmMatchesReferenceForAllTransposesWithOffsetsAndStrides() {
        requireLibrary();
        Random r = new Random(7);
        int m = 37, n = 29, k = 45;
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 5, ldc = n + 2;
                int aOff = 4, bOff = 1, cOff = 6;
                float[] a = random(r, aOff + (ta ? k : m) * lda);
                float[] b = random(r, bOff + (tb ? n : k) * ldb);
                float[] c = random(r, cOff + m * ldc);
                float[] expect = c.clone();
                reference(ta, tb, m, n, k, 0.75f, a, aOff, lda, b, bOff, ldb, -0.5f, expect, cOff, ldc);
                OpenBlas.sgemm(ta, tb, m, n, k, 0.75f, a, aOff, lda, b, bOff, ldb, -0.5f, c, cOff, ldc);
                for (int i = 0; i < c.length; i++)
                    assertEquals(expect[i], c[i], 1e-4f * Math.sqrt(k), "ta=" + ta + " tb=" + tb + " at " + i);
            }
    }

    @Test void betaZeroOverwritesNaN() {
        requireLibrary();
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        OpenBlas.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertEquals(List.of(19f, 22f, 43f, 50f), List.of(c[0], c[1], c[2], c[3]));
    }

    @Test void threadCountRoundTrips() {
        requireLibrary();
        int before = OpenBlas.getNumThreads();
        try {
            OpenBlas.setNumThreads(1);
            assertEquals(1, OpenBlas.getNumThreads());
        } finally {
            OpenBlas.setNumThreads(before);
        }
        assertFalse(OpenBlas.config().isEmpty());
    }

    @Test void outOfBoundsMatrixIsAnExceptionNotANativeAccess() {
        requireLibrary();
        float[] small = new float[10];
        var e = assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.sgemm(false, false, 4, 4, 4, 1f, small, 0, 4, small, 0, 4, 0f, small, 0, 4));
        assertTrue(e.getMessage().contains("A:"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OpenBlas.sgemm(false, false, 2, 2, 2, 1f, new float[4], 0, 1, new float[4], 0, 2, 0f, new float[4], 0, 2));
    }

    @Test void missingLibraryIsReportedNotThrown() {
        assertTrue(NativeLibraries.find(List.of("libdefinitely-not-here-ibot4j.so.9")).isEmpty());
    }
}
