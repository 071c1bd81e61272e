package org.ibot4j.runtime.backend.cpu;

/** Argument checks shared by the GEMM implementations: sizes, leading dimensions and array bounds. */
final class GemmArgs {
    private GemmArgs() {}

    /** Throws {@link IllegalArgumentException} naming the first operand that does not fit its array. */
    static void check(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        if (m == 0 || n == 0) return;
        matrix("C", c, cOff, m, n, ldc);
        if (k == 0) return;
        matrix(transA ? "A (transposed, stored K×M)" : "A", a, aOff, transA ? k : m, transA ? m : k, lda);
        matrix(transB ? "B (transposed, stored N×K)" : "B", b, bOff, transB ? n : k, transB ? k : n, ldb);
    }

    /** A rows×cols matrix at {@code off} with row stride {@code ld} must lie inside {@code x}. */
    static void matrix(String name, float[] x, int off, int rows, int cols, int ld) {
        if (x == null) throw new IllegalArgumentException("sgemm: " + name + " is null");
        if (ld < cols) throw new IllegalArgumentException("sgemm: " + name + " leading dimension " + ld + " < row width " + cols);
        if (off < 0) throw new IllegalArgumentException("sgemm: " + name + " has negative offset " + off);
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > x.length)
            throw new IllegalArgumentException("sgemm: " + name + " " + rows + "×" + cols + " (ld " + ld + ", offset " + off
                    + ") needs " + end + " elements but its array has " + x.length);
    }
}
