package org.ibot4j.runtime.backend.cpu;

/** Register-tiled, packed, multi-threaded Vector API SGEMM. TODO(helper): currently delegates to the reference. */
public final class VectorGemm implements Gemm {
    private final Parallel parallel;
    private final ScalarGemm fallback = new ScalarGemm();

    public VectorGemm(Parallel parallel) { this.parallel = parallel; }

    @Override public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        fallback.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
