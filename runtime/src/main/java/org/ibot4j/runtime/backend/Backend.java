package org.ibot4j.runtime.backend;

import org.ibot4j.runtime.tensor.Device;

/**
 * The device seam: the hot kernels every op is built from, over dense (contiguous) float32 buffers.
 * Ops in {@code org.ibot4j.runtime.ops} express forward and backward through these calls, so the same
 * model code runs on any backend. The CPU backend has a Vector API implementation and a scalar reference
 * implementation ({@link Backends#reference()}) that tests compare against. Buffers are addressed as
 * (array, offset) on the CPU; the CUDA backend will provide the same operations over device storage.
 */
public interface Backend {
    String name();

    Device device();

    /** Threads the kernels may use. */
    int threads();

    /**
     * C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is M×K (A stored K×M when transA), op(B) K×N
     * (B stored N×K when transB). lda/ldb/ldc are row strides of the stored matrices.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * Batched GEMM: {@code batch} independent products with element strides between consecutive A, B, C
     * matrices (a stride of 0 reuses one matrix for every batch entry).
     */
    default void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                              float beta, float[] c, int cOff, int strideC, int ldc) {
        for (int i = 0; i < batch; i++)
            sgemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    beta, c, cOff + i * strideC, ldc);
    }

    /** Row softmax (or log-softmax) over the last dim: {@code rows} rows of {@code cols}. */
    void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols, boolean log);

    /**
     * Gradient of row softmax given its output y: gx = y * (gy - sum(gy*y)); for log-softmax
     * gx = gy - exp(y) * sum(gy).
     */
    void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff, int rows, int cols, boolean log);

    /**
     * Layer norm over rows of {@code cols}: y = (x-mean)*rstd*w + b (w, b may be null = 1, 0). Writes the
     * per-row mean and rstd (each {@code rows} long) for backward.
     */
    void layerNormRows(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                       int rows, int cols, float eps);

    /** Layer norm backward: gx (overwritten), and gw/gb accumulated (+=) when non-null. */
    void layerNormBackwardRows(float[] x, int xOff, float[] w, float[] mean, float[] rstd, float[] gy, int gyOff,
                               float[] gx, int gxOff, float[] gw, float[] gb, int rows, int cols);

    /** Exact (erf) GELU: y = x * 0.5 * (1 + erf(x/√2)). */
    void gelu(float[] x, int xOff, float[] y, int yOff, int n);

    /** gx = gy * GELU'(x). */
    void geluBackward(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n);

    /** Elementwise map over {@code n} dense elements. */
    void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n, float param);

    /** Elementwise binary over {@code n} dense elements of equal shape. */
    void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** y[i] += alpha * x[i] for n elements. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** Sum of n elements (in a fixed order for a fixed thread count). */
    double sum(float[] x, int xOff, int n);
}
