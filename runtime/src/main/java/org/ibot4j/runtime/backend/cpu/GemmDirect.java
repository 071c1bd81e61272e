package org.ibot4j.runtime.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM without packing, one row of C at a time: for problems too small or too thin (a few rows or columns)
 * for the packed kernel's set-up to pay off. Without transB each C row is a sum of scaled B rows (vectorised
 * along N); with transB each element is a dot product of an A row and a B row (vectorised along K).
 */
final class GemmDirect {
    private static final VectorSpecies<Float> S = GemmMicroKernel.S;
    private static final int L = S.length();

    private GemmDirect() {}

    /** Rows [i0, i1) of C = alpha·op(A)·op(B) + beta·C. {@code buf} holds at least max(n, k) floats. */
    static void rows(boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, float[] buf) {
        int aStepP = transA ? lda : 1, aStepI = transA ? 1 : lda;
        for (int i = i0; i < i1; i++) {
            int ci = cOff + i * ldc;
            if (!transB) {
                java.util.Arrays.fill(buf, 0, n, 0f);
                for (int p = 0; p < k; p++) axpy(a[aOff + i * aStepI + p * aStepP], b, bOff + p * ldb, buf, n);
                for (int j = 0; j < n; j++) c[ci + j] = combine(buf[j], alpha, beta, c[ci + j]);
            } else {
                int ar;
                float[] arow;
                if (transA) {
                    for (int p = 0; p < k; p++) buf[p] = a[aOff + p * lda + i];
                    arow = buf;
                    ar = 0;
                } else {
                    arow = a;
                    ar = aOff + i * lda;
                }
                for (int j = 0; j < n; j++)
                    c[ci + j] = combine(dot(arow, ar, b, bOff + j * ldb, k), alpha, beta, c[ci + j]);
            }
        }
    }

    /** The same rounding as the packed kernel's write-back: acc·alpha, or fma(acc, alpha, beta·c). */
    static float combine(float acc, float alpha, float beta, float cOld) {
        return beta == 0f ? acc * alpha : Math.fma(acc, alpha, beta * cOld);
    }

    private static void axpy(float s, float[] x, int xOff, float[] y, int n) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L)
            vs.fma(FloatVector.fromArray(S, x, xOff + j), FloatVector.fromArray(S, y, j)).intoArray(y, j);
        for (; j < n; j++) y[j] = Math.fma(s, x[xOff + j], y[j]);
    }

    /** Lane rotations for {@link #sumLanes}: ROTATE[h] moves lane i+h to lane i. */
    private static final VectorShuffle<Float>[] ROTATE = rotations();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] rotations() {
        VectorShuffle<Float>[] r = new VectorShuffle[L];
        for (int h = 1; h < L; h *= 2) { int shift = h; r[h] = VectorShuffle.fromOp(S, i -> (i + shift) % L); }
        return r;
    }

    /**
     * Sum of the lanes by a fixed pairwise tree. {@code reduceLanes(ADD)} leaves the order unspecified and the
     * interpreter and the C2 intrinsic do differ, which made identical seeded runs differ in the last bit.
     */
    static float sumLanes(FloatVector v) {
        for (int h = L / 2; h >= 1; h /= 2) v = v.add(v.rearrange(ROTATE[h]));
        return v.lane(0);
    }

    private static float dot(float[] x, int xOff, float[] y, int yOff, int k) {
        FloatVector acc = FloatVector.zero(S);
        int p = 0;
        for (int bound = S.loopBound(k); p < bound; p += L)
            acc = FloatVector.fromArray(S, x, xOff + p).fma(FloatVector.fromArray(S, y, yOff + p), acc);
        float s = sumLanes(acc);
        for (; p < k; p++) s = Math.fma(x[xOff + p], y[yOff + p], s);
        return s;
    }
}
