package org.ibot4j.runtime.backend.cpu;

/** A row-major SGEMM implementation (see {@link org.ibot4j.runtime.backend.Backend#sgemm}). */
public interface Gemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);

    default void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                              float beta, float[] c, int cOff, int strideC, int ldc) {
        for (int i = 0; i < batch; i++)
            sgemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb, beta, c, cOff + i * strideC, ldc);
    }
}
