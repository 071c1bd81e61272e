package org.ibot4j.runtime.backend.cuda;

import java.lang.foreign.MemorySegment;
import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;
import org.ibot4j.runtime.tensor.Device;

/**
 * The CUDA backend behind the {@link Backend} seam: GEMMs through cuBLAS, every other kernel a CUDA C kernel
 * from {@link CudaKernels}.
 *
 * <p><b>First step, host round trips:</b> the seam takes host {@code float[]} buffers, so each call uploads
 * its inputs to reused device scratch buffers, runs on the GPU and downloads the outputs, synchronously.
 * That is correct and lets every op and the whole model run on the GPU unchanged, but the PCIe copies
 * dominate for all but large GEMMs. The next step is device-resident tensors (CUDA storage in
 * {@code tensor.Storage}, ops dispatching on the tensor's device) so that activations, weights and optimizer
 * state stay on the GPU and only the loss and logs come back.
 *
 * <p>Calls are serialised (one stream, one cuBLAS handle); the device's primary context is made current on
 * whichever thread calls. Beyond the seam it offers the optimizer/EMA/clipping kernels the training step
 * will use once parameters live on the device.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private static final int BLOCK = 256;

    private final GemmPrecision precision;
    private final DeviceScratch scratch = new DeviceScratch(8);
    private final Cublas blas;
    private final int maxBlocks;

    private CudaBackend(GemmPrecision precision) {
        this.precision = precision;
        Cuda.makeCurrent();
        this.blas = Cublas.create();
        // FP32: pedantic (no TF32 anywhere, the parity setting); TF32: TF32 tensor cores; 16-bit operands: the default
        // mode, which runs them on tensor cores with float32 accumulation (pedantic may fall back to slower paths).
        blas.setMathMode(switch (precision) {
            case FP32 -> Cublas.PEDANTIC_MATH;
            case TF32 -> Cublas.TF32_TENSOR_OP_MATH;
            case BF16, FP16 -> Cublas.DEFAULT_MATH;
        });
        this.maxBlocks = Math.max(1, Cuda.device().multiprocessors() * 8);
    }

    /** A backend on the selected device with the GEMM precision of the setting {@code ibot4j.cuda.gemm}. */
    public static CudaBackend create() { return create(GemmPrecision.fromSetting()); }

    /** A backend on the selected device; throws IllegalStateException (with the reason) when CUDA is unavailable. */
    public static CudaBackend create(GemmPrecision precision) {
        if (!Cuda.available()) throw new IllegalStateException("CUDA is not available: " + Cuda.unavailableReason());
        if (!Cublas.isLoaded()) throw new IllegalStateException("cuBLAS is not available: " + Cublas.unavailableReason());
        return new CudaBackend(precision);
    }

    private static volatile CudaBackend shared;

    /**
     * The process-wide backend that device tensors run on (created on first use with the precision of
     * {@code ibot4j.cuda.gemm}); throws IllegalStateException with the reason when CUDA is unavailable.
     */
    public static CudaBackend shared() {
        CudaBackend b = shared;
        if (b == null) {
            synchronized (CudaBackend.class) {
                if (shared == null) shared = create();
                b = shared;
            }
        }
        return b;
    }

    /**
     * Makes a backend of {@code precision} the one device tensors run on from now on (benchmarks compare precisions in
     * one process); work already enqueued is unaffected. Returns it.
     */
    public static synchronized CudaBackend useShared(GemmPrecision precision) {
        if (shared == null || shared.precision != precision) shared = create(precision);
        return shared;
    }

    public GemmPrecision precision() { return precision; }

    @Override public String name() { return "cuda(" + Cuda.device() + ", gemm=" + precision.name().toLowerCase() + ")"; }

    @Override public Device device() { return Device.CUDA; }

    @Override public int threads() { return 1; }

    // ---- transfers -------------------------------------------------------------------------------------

    /** Elements a row-major rows×cols matrix with row stride ld spans. */
    private static long span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    private long upload(int slot, float[] x, int off, long n) {
        long p = scratch.get(slot, Math.max(1, n) * Float.BYTES);
        if (n > 0) CudaDriver.memcpyHtoD(p, MemorySegment.ofArray(x).asSlice((long) off * Float.BYTES, n * Float.BYTES));
        return p;
    }

    private long alloc(int slot, long n) { return scratch.get(slot, Math.max(1, n) * Float.BYTES); }

    private static void download(long p, float[] x, int off, long n) {
        if (n > 0) CudaDriver.memcpyDtoH(MemorySegment.ofArray(x).asSlice((long) off * Float.BYTES, n * Float.BYTES), p);
    }

    private int blocks(long n) { return (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, maxBlocks)); }

    private static int rowBlock(int cols) { return cols <= 32 ? 32 : cols <= 128 ? 128 : BLOCK; }

    private void launch1d(String kernel, long n, Object... args) {
        CudaDriver.launch(CudaKernels.function(kernel), blocks(n), 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL, args);
    }

    private void launchRows(String kernel, int rows, int cols, Object... args) {
        CudaDriver.launch(CudaKernels.function(kernel), rows, 1, 1, rowBlock(cols), 1, 1, 0, MemorySegment.NULL, args);
    }

    // ---- GEMM ------------------------------------------------------------------------------------------

    @Override public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                             float beta, float[] c, int cOff, int ldc) {
        sgemmBatched(1, transA, transB, m, n, k, alpha, a, aOff, 0, lda, b, bOff, 0, ldb, beta, c, cOff, 0, ldc);
    }

    @Override public synchronized void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                                                    float alpha, float[] a, int aOff, int strideA, int lda,
                                                    float[] b, int bOff, int strideB, int ldb,
                                                    float beta, float[] c, int cOff, int strideC, int ldc) {
        if (batch < 0 || m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException("negative GEMM size batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0) {  // C = beta·C: cuBLAS would refuse the degenerate leading dimensions, and it is host work anyway
            for (int bi = 0; bi < batch; bi++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        int ci = cOff + bi * strideC + i * ldc + j;
                        c[ci] = beta == 0f ? 0f : beta * c[ci];
                    }
            return;
        }
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            Backend.super.sgemmBatched(batch, transA, transB, m, n, k, alpha, a, aOff, strideA, lda, b, bOff, strideB,
                    ldb, beta, c, cOff, strideC, ldc);
            return;
        }
        Cuda.makeCurrent();
        long spanA = k == 0 ? 0 : (long) (batch - 1) * strideA + span(transA ? k : m, transA ? m : k, lda);
        long spanB = k == 0 ? 0 : (long) (batch - 1) * strideB + span(transB ? n : k, transB ? k : n, ldb);
        long spanC = (long) (batch - 1) * strideC + span(m, n, ldc);
        checkRange("A", a, aOff, spanA);
        checkRange("B", b, bOff, spanB);
        checkRange("C", c, cOff, spanC);
        // With beta = 0 and C dense, cuBLAS overwrites every element: C need not go up.
        boolean cDense = ldc == n && (batch == 1 || strideC == (long) m * n);
        long pa = upload(0, a, aOff, spanA), pb = upload(1, b, bOff, spanB);
        long pc = beta == 0f && cDense ? alloc(2, spanC) : upload(2, c, cOff, spanC);
        gemmDevice(batch, transA, transB, m, n, k, alpha, pa, strideA, lda, pb, strideB, ldb, beta, pc, strideC, ldc, spanA, spanB);
        download(pc, c, cOff, spanC);
    }

    /**
     * The batched GEMM of {@link #sgemmBatched} over device addresses (row-major, element strides), in this backend's
     * precision: FP32/TF32 through cuBLAS SGEMM, BF16 by converting A and B to bfloat16 scratch and accumulating in
     * float32 (the fp32 master values are untouched). Enqueued on the stream; nothing is copied to the host.
     */
    public synchronized void gemm(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                  long pa, int strideA, int lda, long pb, int strideB, int ldb,
                                  float beta, long pc, int strideC, int ldc) {
        if (batch == 0 || m == 0 || n == 0) return;
        Cuda.makeCurrent();
        if (k == 0) {
            if (beta == 0f && ldc == n && (batch == 1 || strideC == m * n)) CudaDriver.memsetD32(pc, 0, (long) batch * m * n);
            else throw new IllegalArgumentException("a GEMM with k = 0 needs beta = 0 and a dense C on the device");
            return;
        }
        long spanA = (long) (batch - 1) * strideA + span(transA ? k : m, transA ? m : k, lda);
        long spanB = (long) (batch - 1) * strideB + span(transB ? n : k, transB ? k : n, ldb);
        gemmDevice(batch, transA, transB, m, n, k, alpha, pa, strideA, lda, pb, strideB, ldb, beta, pc, strideC, ldc, spanA, spanB);
    }

    private void gemmDevice(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            long pa, int strideA, int lda, long pb, int strideB, int ldb,
                            float beta, long pc, int strideC, int ldc, long spanA, long spanB) {
        int la = Math.max(1, lda), lb = Math.max(1, ldb);
        switch (precision) {
            case FP32, TF32 -> {
                if (batch == 1) blas.sgemmRowMajor(transA, transB, m, n, k, alpha, pa, la, pb, lb, beta, pc, ldc);
                else blas.sgemmStridedBatchedRowMajor(batch, transA, transB, m, n, k, alpha, pa, la, strideA, pb, lb,
                        strideB, beta, pc, ldc, strideC);
            }
            case BF16, FP16 -> {  // autocast: 16-bit copies of the operands, float32 accumulation and output
                boolean bf = precision == GemmPrecision.BF16;
                String convert = bf ? "ibot_f32_to_bf16" : "ibot_f32_to_f16";
                long ha = scratch.get(3, Math.max(1, spanA) * 2), hb = scratch.get(4, Math.max(1, spanB) * 2);
                if (spanA > 0) launch1d(convert, spanA, pa, ha, (int) spanA);
                if (spanB > 0) launch1d(convert, spanB, pb, hb, (int) spanB);
                int type = bf ? Cublas.R_16BF : Cublas.R_16F;
                blas.gemmStridedBatchedExRowMajor(batch, transA, transB, m, n, k, alpha, ha, type, la, strideA,
                        hb, lb, strideB, beta, pc, Cublas.R_32F, ldc, strideC, Cublas.COMPUTE_32F);
            }
        }
    }

    private static void checkRange(String name, float[] x, int off, long n) {
        if (n == 0) return;
        if (x == null) throw new IllegalArgumentException(name + " is null");
        if (off < 0 || off + n > x.length)
            throw new IllegalArgumentException(name + ": needs elements [" + off + ", " + (off + n) + ") but the array has "
                    + x.length);
    }

    // ---- row kernels -----------------------------------------------------------------------------------

    @Override public synchronized void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols, boolean log) {
        long n = (long) rows * cols;
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, xOff, n), py = alloc(1, n);
        softmaxRows(px, py, rows, cols, log);
        download(py, y, yOff, n);
    }

    /** Row softmax (or log-softmax) of {@code rows}×{@code cols} floats at device address x into y. */
    public synchronized void softmaxRows(long x, long y, int rows, int cols, boolean log) {
        if ((long) rows * cols == 0) return;
        Cuda.makeCurrent();
        launchRows("ibot_softmax_rows", rows, cols, x, y, rows, cols, log ? 1 : 0);
    }

    @Override public synchronized void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff,
                                                           int rows, int cols, boolean log) {
        long n = (long) rows * cols;
        if (n == 0) return;
        Cuda.makeCurrent();
        long py = upload(0, y, yOff, n), pg = upload(1, gy, gyOff, n), px = alloc(2, n);
        softmaxBackwardRows(py, pg, px, rows, cols, log);
        download(px, gx, gxOff, n);
    }

    /** Softmax backward over device addresses (see {@link Backend#softmaxBackwardRows}). */
    public synchronized void softmaxBackwardRows(long y, long gy, long gx, int rows, int cols, boolean log) {
        if ((long) rows * cols == 0) return;
        Cuda.makeCurrent();
        launchRows("ibot_softmax_backward_rows", rows, cols, y, gy, gx, rows, cols, log ? 1 : 0);
    }

    @Override public synchronized void layerNormRows(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff,
                                                     float[] mean, float[] rstd, int rows, int cols, float eps) {
        long n = (long) rows * cols;
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, xOff, n), py = alloc(1, n);
        long pw = w == null ? 0L : upload(2, w, 0, cols), pb = b == null ? 0L : upload(3, b, 0, cols);
        long pm = alloc(4, rows), pr = alloc(5, rows);
        layerNormRows(px, pw, pb, py, pm, pr, rows, cols, eps);
        download(py, y, yOff, n);
        download(pm, mean, 0, rows);
        download(pr, rstd, 0, rows);
    }

    /** Layer norm over device addresses; w and b may be 0 (= 1 and 0); writes the row mean and 1/std. */
    public synchronized void layerNormRows(long x, long w, long b, long y, long mean, long rstd, int rows, int cols, float eps) {
        if ((long) rows * cols == 0) return;
        Cuda.makeCurrent();
        launchRows("ibot_layernorm_rows", rows, cols, x, w, b, y, mean, rstd, rows, cols, eps);
    }

    /**
     * Layer norm backward over device addresses: gx (overwritten) when non-zero, and gw/gb accumulated (+=) when
     * non-zero.
     */
    public synchronized void layerNormBackwardRows(long x, long w, long mean, long rstd, long gy, long gx, long gw, long gb,
                                                   int rows, int cols) {
        if ((long) rows * cols == 0) return;
        Cuda.makeCurrent();
        if (gx != 0) launchRows("ibot_layernorm_backward_rows", rows, cols, x, w, mean, rstd, gy, gx, rows, cols);
        if (gw != 0 || gb != 0)
            CudaDriver.launch(CudaKernels.function("ibot_layernorm_backward_params"), (cols + BLOCK - 1) / BLOCK, 1, 1,
                    BLOCK, 1, 1, 0, MemorySegment.NULL, x, mean, rstd, gy, gw, gb, rows, cols);
    }

    @Override public synchronized void layerNormBackwardRows(float[] x, int xOff, float[] w, float[] mean, float[] rstd,
                                                             float[] gy, int gyOff, float[] gx, int gxOff, float[] gw,
                                                             float[] gb, int rows, int cols) {
        long n = (long) rows * cols;
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, xOff, n), pg = upload(1, gy, gyOff, n);
        long pw = w == null ? 0L : upload(2, w, 0, cols);
        long pm = upload(3, mean, 0, rows), pr = upload(4, rstd, 0, rows);
        if (gx != null) {
            long pgx = alloc(5, n);
            launchRows("ibot_layernorm_backward_rows", rows, cols, px, pw, pm, pr, pg, pgx, rows, cols);
            download(pgx, gx, gxOff, n);
        }
        if (gw != null || gb != null) {
            long pgw = gw == null ? 0L : upload(6, gw, 0, cols), pgb = gb == null ? 0L : upload(7, gb, 0, cols);
            CudaDriver.launch(CudaKernels.function("ibot_layernorm_backward_params"), (cols + BLOCK - 1) / BLOCK, 1, 1,
                    BLOCK, 1, 1, 0, MemorySegment.NULL, px, pm, pr, pg, pgw, pgb, rows, cols);
            if (gw != null) download(pgw, gw, 0, cols);
            if (gb != null) download(pgb, gb, 0, cols);
        }
    }

    // ---- elementwise -----------------------------------------------------------------------------------

    @Override public synchronized void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, xOff, n), py = alloc(1, n);
        gelu(px, py, n);
        download(py, y, yOff, n);
    }

    /** Exact GELU of n floats at device address x into y. */
    public synchronized void gelu(long x, long y, int n) {
        if (n == 0) return;
        Cuda.makeCurrent();
        launch1d("ibot_gelu", n, x, y, n);
    }

    /** gx = gy·GELU'(x) over device addresses. */
    public synchronized void geluBackward(long x, long gy, long gx, int n) {
        if (n == 0) return;
        Cuda.makeCurrent();
        launch1d("ibot_gelu_backward", n, x, gy, gx, n);
    }

    @Override public synchronized void geluBackward(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, xOff, n), pg = upload(1, gy, gyOff, n), pgx = alloc(2, n);
        geluBackward(px, pg, pgx, n);
        download(pgx, gx, gxOff, n);
    }

    @Override public synchronized void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n, float param) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, xOff, n), py = alloc(1, n);
        launch1d("ibot_unary", n, op.ordinal(), px, py, n, param);
        download(py, y, yOff, n);
    }

    @Override public synchronized void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long pa = upload(0, a, aOff, n), pb = upload(1, b, bOff, n), py = alloc(2, n);
        launch1d("ibot_binary", n, op.ordinal(), pa, pb, py, n);
        download(py, y, yOff, n);
    }

    @Override public synchronized void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, xOff, n), py = upload(1, y, yOff, n);
        launch1d("ibot_axpy", n, alpha, px, py, n);
        download(py, y, yOff, n);
    }

    @Override public synchronized double sum(float[] x, int xOff, int n) {
        if (n == 0) return 0;
        Cuda.makeCurrent();
        return reduce("ibot_sum_partial", upload(0, x, xOff, n), n);
    }

    /** Two-pass reduction of n floats at device address p with {@code partialKernel}; the result as a double. */
    private double reduce(String partialKernel, long p, int n) {
        int blocks = blocks(n);
        long partial = scratch.get(6, (long) blocks * Double.BYTES), out = scratch.get(7, Double.BYTES);
        launch1d(partialKernel, n, p, n, partial);
        CudaDriver.launch(CudaKernels.function("ibot_sum_finalize"), 1, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL,
                partial, blocks, out);
        double[] r = new double[1];
        CudaDriver.memcpyDtoH(MemorySegment.ofArray(r), out);
        return r[0];
    }

    // ---- training-step kernels (not part of the seam yet) ----------------------------------------------

    /**
     * One AdamW step over n elements, the arithmetic of {@code optim.AdamW}: decay = 1 - lr·wd,
     * negStepSize = -lr / (1 - beta1^t), bc2Sqrt = sqrt(1 - beta2^t). Updates p, m and v in place.
     */
    public synchronized void adamwUpdate(float[] p, float[] g, float[] m, float[] v, int n, float decay, double beta1,
                                         double beta2, float negStepSize, float bc2Sqrt, float eps) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long pp = upload(0, p, 0, n), pg = upload(1, g, 0, n), pm = upload(2, m, 0, n), pv = upload(3, v, 0, n);
        adamwUpdate(pp, pg, pm, pv, n, decay, beta1, beta2, negStepSize, bc2Sqrt, eps);
        download(pp, p, 0, n);
        download(pm, m, 0, n);
        download(pv, v, 0, n);
    }

    /**
     * {@link #adamwUpdate(float[], float[], float[], float[], int, float, double, double, float, float, float)} on device
     * addresses; the betas are doubles so that 1 − β is rounded to float as the CPU optimiser rounds it.
     */
    public synchronized void adamwUpdate(long p, long g, long m, long v, int n, float decay, double beta1, double beta2,
                                         float negStepSize, float bc2Sqrt, float eps) {
        if (n == 0) return;
        Cuda.makeCurrent();
        launch1d("ibot_adamw_update", n, p, g, m, v, n, decay, (float) beta1, (float) (1 - beta1), (float) beta2,
                (float) (1 - beta2), negStepSize, bc2Sqrt, eps);
    }

    /** Teacher EMA on device addresses: t = t·momentum + s·(1 - momentum). */
    public synchronized void emaUpdate(long teacher, long student, int n, double momentum) {
        if (n == 0) return;
        Cuda.makeCurrent();
        launch1d("ibot_ema_update", n, teacher, student, n, (float) momentum, (float) (1 - momentum));
    }

    /**
     * Per-tensor clipping on the device, with no host synchronisation: the sum of squares of g goes to the double at
     * {@code sumsqOut} (kept there for logging), then g is scaled by maxNorm / (‖g‖ + 1e-6) when that is below 1.
     */
    public synchronized void clipByNorm(long g, int n, float maxNorm, long sumsqOut) {
        if (n == 0) return;
        Cuda.makeCurrent();
        int blocks = blocks(n);
        long partial = scratch.get(6, (long) blocks * Double.BYTES);
        launch1d("ibot_sumsq_partial", n, g, n, partial);
        CudaDriver.launch(CudaKernels.function("ibot_sum_finalize"), 1, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL,
                partial, blocks, sumsqOut);
        launch1d("ibot_clip_by_norm", n, g, n, sumsqOut, maxNorm);
    }

    /** Sum of squares of n floats at g into the double at {@code sumsqOut} (device), without synchronising. */
    public synchronized void sumSquares(long g, int n, long sumsqOut) {
        Cuda.makeCurrent();
        if (n == 0) { CudaDriver.memsetD32(sumsqOut, 0, 2); return; }
        int blocks = blocks(n);
        long partial = scratch.get(6, (long) blocks * Double.BYTES);
        launch1d("ibot_sumsq_partial", n, g, n, partial);
        CudaDriver.launch(CudaKernels.function("ibot_sum_finalize"), 1, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL,
                partial, blocks, sumsqOut);
    }

    /** Teacher EMA over n elements: t = t·momentum + s·(1 - momentum). */
    public synchronized void emaUpdate(float[] teacher, float[] student, int n, double momentum) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long pt = upload(0, teacher, 0, n), ps = upload(1, student, 0, n);
        emaUpdate(pt, ps, n, momentum);
        download(pt, teacher, 0, n);
    }

    /**
     * Per-tensor gradient clipping as {@code optim.GradClip}: scales g by maxNorm / (‖g‖ + 1e-6) when that is
     * below 1. Returns ‖g‖ before clipping.
     */
    public synchronized float clipByNorm(float[] g, int n, float maxNorm) {
        if (n == 0) return 0f;
        Cuda.makeCurrent();
        long pg = upload(0, g, 0, n);
        double sumsq = reduce("ibot_sumsq_partial", pg, n);
        launch1d("ibot_clip_by_norm", n, pg, n, scratch.get(7, Double.BYTES), maxNorm);
        download(pg, g, 0, n);
        return (float) Math.sqrt(sumsq);
    }

    /** Float32 → bfloat16 (round to nearest even) on the device, returned as the bf16 bit patterns. */
    public synchronized short[] toBf16(float[] x) {
        short[] out = new short[x.length];
        if (x.length == 0) return out;
        Cuda.makeCurrent();
        long px = upload(0, x, 0, x.length), ph = scratch.get(1, (long) x.length * 2);
        launch1d("ibot_f32_to_bf16", x.length, px, ph, x.length);
        CudaDriver.memcpyDtoH(MemorySegment.ofArray(out), ph);
        return out;
    }

    /** bfloat16 bit patterns → float32 on the device (exact). */
    public synchronized float[] fromBf16(short[] h) {
        float[] out = new float[h.length];
        if (h.length == 0) return out;
        Cuda.makeCurrent();
        long ph = scratch.get(0, (long) h.length * 2), py = alloc(1, h.length);
        CudaDriver.memcpyHtoD(ph, MemorySegment.ofArray(h));
        launch1d("ibot_bf16_to_f32", h.length, ph, py, h.length);
        download(py, out, 0, h.length);
        return out;
    }

    /** x *= s in place on the device (the clip-factor scaling kernel). */
    public synchronized void scale(float[] x, int n, float s) {
        if (n == 0) return;
        Cuda.makeCurrent();
        long px = upload(0, x, 0, n);
        launch1d("ibot_scale", n, px, s, n);
        download(px, x, 0, n);
    }

    /** Device bytes this backend holds in scratch buffers. */
    public long scratchBytes() { return scratch.heldBytes(); }

    /** Frees the scratch buffers and the cuBLAS handle; the backend must not be used afterwards. */
    @Override public synchronized void close() {
        Cuda.makeCurrent();
        scratch.free();
        blas.close();
    }
}
