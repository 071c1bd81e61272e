package org.ibot4j.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The packed Vector API SGEMM against the scalar reference: shapes, layouts, scalars, batches, threads. */
class VectorGemmTest {
    private static final ScalarGemm REF = new ScalarGemm();
    private static final Parallel ONE = new Parallel(1), TWO = new Parallel(2);
    private static final VectorGemm SERIAL = new VectorGemm(ONE), THREADED = new VectorGemm(TWO);
    private static final int[] SIZES = {1, 2, 3, 7, 17, 33, 65, 129};

    /** One GEMM problem laid out in arrays with offsets and padded leading dimensions. */
    private record Problem(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        static Problem random(SplittableRandom r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                              int pad, int off) {
            int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
            int aOff = off, bOff = 2 * off, cOff = 3 * off;
            float[] a = fill(r, aOff + (ta ? k : m) * lda + pad);
            float[] b = fill(r, bOff + (tb ? n : k) * ldb + pad);
            float[] c = fill(r, cOff + m * ldc + pad);
            return new Problem(ta, tb, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        float[] run(Gemm g) {
            float[] out = c.clone();
            g.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        String describe() {
            return (ta ? "Aᵀ" : "A") + (tb ? "Bᵀ" : "B") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                    + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets=" + aOff + "," + bOff + "," + cOff;
        }
    }

    private static float[] fill(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** Relative tolerance about 1e-5, widened by sqrt(K) for the longer sums; padding must be untouched. */
    private static void assertClose(float[] expect, float[] got, int k, String what) {
        assertEquals(expect.length, got.length);
        double tol = 1e-5 * Math.sqrt(Math.max(1, k));
        for (int i = 0; i < expect.length; i++) {
            double e = expect[i], g = got[i];
            if (Double.isNaN(e) && Double.isNaN(g)) continue; // padding both left as it was
            if (Double.isNaN(e) || Double.isNaN(g) || Math.abs(e - g) > tol * (1 + Math.abs(e)))
                fail(what + ": element " + i + " expected " + e + " got " + g);
        }
    }

    private static void check(Problem p) {
        float[] expect = p.run(REF);
        assertClose(expect, p.run(SERIAL), p.k(), "1 thread " + p.describe());
        assertClose(expect, p.run(THREADED), p.k(), "2 threads " + p.describe());
    }

    @Test void allTransposesOverOddSizeMixes() {
        SplittableRandom r = new SplittableRandom(1);
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true})
                for (int m : SIZES)
                    for (int n : SIZES)
                        for (int k : new int[]{1, 7, 65, 129})
                            check(Problem.random(r, ta, tb, m, n, k, 1f, 0f, 0, 0));
    }

    @Test void paddedLeadingDimensionsAndOffsets() {
        SplittableRandom r = new SplittableRandom(2);
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true})
                // includes last column strips exactly one vector wide (48 = 32 + 16, 16) and whole row strips
                for (int[] s : new int[][]{{33, 65, 17}, {129, 7, 65}, {65, 129, 33}, {3, 33, 129}, {17, 17, 17},
                        {36, 48, 100}, {66, 16, 33}, {37, 80, 20}})
                    check(Problem.random(r, ta, tb, s[0], s[1], s[2], 1f, 0f, 5, 3));
    }

    @Test void blocksLargerThanOneCacheBlockInEveryDimension() {
        // Past KC, MC and NC, with edges in all three: several packed blocks and a beta=1 second K pass.
        SplittableRandom r = new SplittableRandom(3);
        int m = VectorGemm.MC + 2 * GemmMicroKernel.MR + 5, n = VectorGemm.NC + GemmMicroKernel.NR + 3, k = VectorGemm.KC + 37;
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true})
                check(Problem.random(r, ta, tb, m, n, k, 0.5f, -1.5f, 3, 1));
    }

    @Test void alphaBetaCombinations() {
        SplittableRandom r = new SplittableRandom(4);
        float[][] ab = {{1f, 0f}, {0.5f, 0f}, {1f, 1f}, {-2f, 0.25f}, {0f, 0.5f}, {0f, 0f}, {3f, -1f}};
        for (float[] s : ab)
            for (int[] size : new int[][]{{65, 33, 129}, {7, 3, 5}, {129, 65, 1}})
                check(Problem.random(r, false, true, size[0], size[1], size[2], s[0], s[1], 2, 1));
    }

    @Test void zeroDepthScalesC() {
        SplittableRandom r = new SplittableRandom(5);
        Problem p = Problem.random(r, false, false, 17, 33, 0, 1f, 0.5f, 1, 1);
        check(p);
        Problem zero = Problem.random(r, true, false, 17, 33, 0, 1f, 0f, 1, 1);
        Arrays.fill(zero.c(), Float.NaN);
        float[] got = zero.run(THREADED);
        for (int i = 0; i < 17; i++)
            for (int j = 0; j < 33; j++) assertEquals(0f, got[zero.cOff() + i * zero.ldc() + j]);
    }

    @Test void betaZeroIgnoresNaNInC() {
        SplittableRandom r = new SplittableRandom(6);
        for (int[] s : new int[][]{{129, 65, 33}, {7, 3, 2}, {200, 1, 40}, {33, 97, 600}}) {
            Problem p = Problem.random(r, false, false, s[0], s[1], s[2], 1.25f, 0f, 2, 0);
            Arrays.fill(p.c(), Float.NaN);
            float[] got = p.run(THREADED);
            for (int i = 0; i < p.m(); i++)
                for (int j = 0; j < p.n(); j++)
                    assertTrue(Float.isFinite(got[p.cOff() + i * p.ldc() + j]), "NaN leaked at " + i + "," + j + " for " + p.describe());
            check(p);
        }
    }

    @Test void resultsAreBitIdenticalAcrossRunsAndThreadCounts() {
        SplittableRandom r = new SplittableRandom(7);
        for (int[] s : new int[][]{{331, 257, 600}, {20, 900, 77}, {1000, 40, 300}}) {
            Problem p = Problem.random(r, s[0] % 2 == 0, true, s[0], s[1], s[2], 0.75f, 0.5f, 1, 2);
            float[] one = p.run(SERIAL), two = p.run(THREADED);
            for (int rep = 0; rep < 3; rep++) {
                assertArrayEquals(one, p.run(SERIAL), "1 thread, rerun " + rep);
                assertArrayEquals(two, p.run(THREADED), "2 threads, rerun " + rep);
            }
            assertArrayEquals(one, two, "1 vs 2 threads for " + p.describe());
        }
    }

    @Test void batchedMatchesLoopIncludingSharedOperands() {
        SplittableRandom r = new SplittableRandom(8);
        int batch = 6, m = 37, n = 29, k = 45;
        for (int shared = 0; shared < 3; shared++)
            for (boolean tb : new boolean[]{false, true}) {
                boolean ta = shared == 1;
                int lda = ta ? m : k, ldb = tb ? k : n, ldc = n + 1;
                int sa = shared == 1 ? 0 : m * k + 3, sb = shared == 2 ? 0 : k * n + 1, sc = m * ldc + 2;
                float[] a = fill(r, 4 + sa * (batch - 1) + m * k), b = fill(r, 5 + sb * (batch - 1) + k * n);
                float[] c = fill(r, 6 + sc * batch);
                float[] expect = c.clone();
                for (int i = 0; i < batch; i++)
                    REF.sgemm(ta, tb, m, n, k, 0.5f, a, 4 + i * sa, lda, b, 5 + i * sb, ldb, 0.25f, expect, 6 + i * sc, ldc);
                for (VectorGemm g : new VectorGemm[]{SERIAL, THREADED}) {
                    float[] got = c.clone();
                    g.sgemmBatched(batch, ta, tb, m, n, k, 0.5f, a, 4, sa, lda, b, 5, sb, ldb, 0.25f, got, 6, sc, ldc);
                    assertClose(expect, got, k, "batched shared=" + shared + " tb=" + tb);
                }
            }
    }

    @Test void batchedAttentionShapesAreThreadCountInvariant() {
        SplittableRandom r = new SplittableRandom(9);
        int batch = 8, t = 197, d = 64;
        float[] q = fill(r, batch * t * d), kk = fill(r, batch * t * d);
        float[] one = new float[batch * t * t], two = new float[batch * t * t], ref = new float[batch * t * t];
        SERIAL.sgemmBatched(batch, false, true, t, t, d, 0.125f, q, 0, t * d, d, kk, 0, t * d, d, 0f, one, 0, t * t, t);
        THREADED.sgemmBatched(batch, false, true, t, t, d, 0.125f, q, 0, t * d, d, kk, 0, t * d, d, 0f, two, 0, t * t, t);
        REF.sgemmBatched(batch, false, true, t, t, d, 0.125f, q, 0, t * d, d, kk, 0, t * d, d, 0f, ref, 0, t * t, t);
        assertArrayEquals(one, two);
        assertClose(ref, two, d, "Q·Kᵀ");
    }

    @Test void batchedWithOverlappingOutputsAccumulatesInOrder() {
        // strideC == 0: every product accumulates into the same C, as the sequential definition says.
        SplittableRandom r = new SplittableRandom(10);
        int batch = 5, m = 40, n = 48, k = 64;
        float[] a = fill(r, batch * m * k), b = fill(r, batch * k * n), c = fill(r, m * n);
        float[] expect = c.clone(), got = c.clone();
        REF.sgemmBatched(batch, false, false, m, n, k, 1f, a, 0, m * k, k, b, 0, k * n, n, 1f, expect, 0, 0, n);
        THREADED.sgemmBatched(batch, false, false, m, n, k, 1f, a, 0, m * k, k, b, 0, k * n, n, 1f, got, 0, 0, n);
        assertClose(expect, got, k * batch, "strideC=0");
    }

    @Test void badArgumentsNameTheOperand() {
        float[] x = new float[16];
        var e = assertThrows(IllegalArgumentException.class,
                () -> SERIAL.sgemm(false, false, 4, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("A") && e.getMessage().contains("leading dimension"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SERIAL.sgemm(false, true, 4, 4, 5, 1f, new float[20], 0, 5, x, 0, 5, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("B (transposed"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SERIAL.sgemm(false, false, -1, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 0, 4));
        assertThrows(IllegalArgumentException.class,
                () -> THREADED.sgemmBatched(3, false, false, 4, 4, 4, 1f, x, 0, 16, 4, x, 0, 0, 4, 0f, new float[48], 0, 16, 4));
    }
}
