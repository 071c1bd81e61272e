package org.ibot4j.runtime.backend.cpu;

import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;
import org.ibot4j.runtime.tensor.Device;

/**
 * The CPU backend. {@link #vector(int)} runs the Vector API kernels on a thread pool;
 * {@link #scalar()} runs the plain-loop references on one thread (the ground truth in tests).
 */
public final class CpuBackend implements Backend {
    private final boolean vector;
    private final Parallel parallel;
    private final Gemm gemm;

    private CpuBackend(boolean vector, int threads) {
        this.vector = vector;
        this.parallel = new Parallel(threads);
        this.gemm = vector ? new VectorGemm(parallel) : new ScalarGemm();
    }

    /** Vector API kernels on {@code threads} threads. */
    public static CpuBackend vector(int threads) { return new CpuBackend(true, threads); }

    private static final CpuBackend SCALAR = new CpuBackend(false, 1);

    /** Scalar reference kernels, single-threaded. */
    public static CpuBackend scalar() { return SCALAR; }

    public boolean isVector() { return vector; }

    public Parallel parallel() { return parallel; }

    @Override public String name() {
        return vector ? "cpu-vector(" + VectorKernels.describe() + ", threads=" + parallel.threads() + ")" : "cpu-scalar-reference";
    }

    @Override public Device device() { return Device.CPU; }

    @Override public int threads() { return parallel.threads(); }

    @Override public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override public void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                       float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                                       float beta, float[] c, int cOff, int strideC, int ldc) {
        gemm.sgemmBatched(batch, transA, transB, m, n, k, alpha, a, aOff, strideA, lda, b, bOff, strideB, ldb, beta, c, cOff, strideC, ldc);
    }

    @Override public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols, boolean log) {
        if (!vector) { ScalarKernels.softmaxRows(x, xOff, y, yOff, 0, rows, cols, log); return; }
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> VectorKernels.softmaxRows(x, xOff, y, yOff, r0, r1, cols, log));
    }

    @Override public void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff, int rows, int cols, boolean log) {
        if (!vector) { ScalarKernels.softmaxBackwardRows(y, yOff, gy, gyOff, gx, gxOff, 0, rows, cols, log); return; }
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> VectorKernels.softmaxBackwardRows(y, yOff, gy, gyOff, gx, gxOff, r0, r1, cols, log));
    }

    @Override public void layerNormRows(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                                        int rows, int cols, float eps) {
        if (!vector) { ScalarKernels.layerNormRows(x, xOff, w, b, y, yOff, mean, rstd, 0, rows, cols, eps); return; }
        parallel.forRange(rows, rowGrain(cols), (r0, r1) -> VectorKernels.layerNormRows(x, xOff, w, b, y, yOff, mean, rstd, r0, r1, cols, eps));
    }

    @Override public void layerNormBackwardRows(float[] x, int xOff, float[] w, float[] mean, float[] rstd, float[] gy, int gyOff,
                                                float[] gx, int gxOff, float[] gw, float[] gb, int rows, int cols) {
        if (!vector || (gw == null && gb == null) || parallel.threads() == 1) {
            if (vector) VectorKernels.layerNormBackwardRows(x, xOff, w, mean, rstd, gy, gyOff, gx, gxOff, gw, gb, 0, rows, cols);
            else ScalarKernels.layerNormBackwardRows(x, xOff, w, mean, rstd, gy, gyOff, gx, gxOff, gw, gb, 0, rows, cols);
            return;
        }
        // Per-chunk partial sums for gw/gb, reduced in chunk order: deterministic for a fixed thread count.
        int chunks = Math.min(parallel.threads(), Math.max(1, rows / rowGrain(cols)));
        float[][] pw = new float[chunks][], pb = new float[chunks][];
        parallel.forChunks(rows, chunks, (r0, r1) -> {
            int c = (int) (((long) r0 * chunks + chunks - 1) / rows);
            float[] lw = gw == null ? null : new float[cols], lb = gb == null ? null : new float[cols];
            VectorKernels.layerNormBackwardRows(x, xOff, w, mean, rstd, gy, gyOff, gx, gxOff, lw, lb, r0, r1, cols);
            pw[c] = lw; pb[c] = lb;
        });
        for (int c = 0; c < chunks; c++) {
            if (gw != null && pw[c] != null) VectorKernels.axpy(1f, pw[c], 0, gw, 0, cols);
            if (gb != null && pb[c] != null) VectorKernels.axpy(1f, pb[c], 0, gb, 0, cols);
        }
    }

    @Override public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        if (!vector) { ScalarKernels.gelu(x, xOff, y, yOff, n); return; }
        parallel.forRange(n, 1 << 14, (i0, i1) -> VectorKernels.gelu(x, xOff + i0, y, yOff + i0, i1 - i0));
    }

    @Override public void geluBackward(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        if (!vector) { ScalarKernels.geluBackward(x, xOff, gy, gyOff, gx, gxOff, n); return; }
        parallel.forRange(n, 1 << 14, (i0, i1) -> VectorKernels.geluBackward(x, xOff + i0, gy, gyOff + i0, gx, gxOff + i0, i1 - i0));
    }

    @Override public void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n, float param) {
        if (!vector) { ScalarKernels.unary(op, x, xOff, y, yOff, n, param); return; }
        parallel.forRange(n, 1 << 15, (i0, i1) -> VectorKernels.unary(op, x, xOff + i0, y, yOff + i0, i1 - i0, param));
    }

    @Override public void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        if (!vector) { ScalarKernels.binary(op, a, aOff, b, bOff, y, yOff, n); return; }
        parallel.forRange(n, 1 << 15, (i0, i1) -> VectorKernels.binary(op, a, aOff + i0, b, bOff + i0, y, yOff + i0, i1 - i0));
    }

    @Override public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        if (!vector) { ScalarKernels.axpy(alpha, x, xOff, y, yOff, n); return; }
        parallel.forRange(n, 1 << 15, (i0, i1) -> VectorKernels.axpy(alpha, x, xOff + i0, y, yOff + i0, i1 - i0));
    }

    @Override public double sum(float[] x, int xOff, int n) {
        return vector ? VectorKernels.sum(x, xOff, n) : ScalarKernels.sum(x, xOff, n);
    }

    private static int rowGrain(int cols) { return Math.max(1, 4096 / Math.max(1, cols)); }
}
