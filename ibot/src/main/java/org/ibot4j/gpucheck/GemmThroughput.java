package org.ibot4j.gpucheck;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.CublasLt;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;

/**
 * GEMM throughput on the device through our cuBLAS binding, timed with CUDA events over device-resident
 * operands: FP32 (pedantic), TF32 tensor cores, and BF16 inputs with FP32 accumulation, through cublasGemmEx and
 * (lt_*) cublasLtMatmul with a 32 MiB workspace. Row-major m×k · k×n.
 */
final class GemmThroughput {
    private static final long WORKSPACE = 32L << 20;

    private GemmThroughput() {}

    /** Device TFLOP/s (2mnk per product) of {@code reps} products after 3 warm-ups. */
    static double tflops(Cublas blas, CublasLt lt, String mode, int m, int n, int k, int reps) {
        Cuda.makeCurrent();
        long a = fill((long) m * k), b = fill((long) k * n), c = CudaDriver.memAlloc((long) m * n * 4);
        long a16 = CudaDriver.memAlloc((long) m * k * 2), b16 = CudaDriver.memAlloc((long) k * n * 2);
        long ws = CudaDriver.memAlloc(WORKSPACE);
        MemorySegment e0 = CudaDriver.eventCreate(0), e1 = CudaDriver.eventCreate(0);
        try {
            blas.setStream(MemorySegment.NULL);
            blas.setMathMode(mode.equals("tf32") ? Cublas.TF32_TENSOR_OP_MATH : Cublas.PEDANTIC_MATH);
            Runnable one = switch (mode) {
                case "fp32" -> () -> blas.sgemmRowMajor(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                case "tf32" -> () -> blas.gemmExRowMajor(false, false, m, n, k, 1f, a, Cublas.R_32F, k, b, n, 0f, c,
                        Cublas.R_32F, n, Cublas.COMPUTE_32F_FAST_TF32);
                case "bf16" -> () -> blas.gemmExRowMajor(false, false, m, n, k, 1f, a16, Cublas.R_16BF, k, b16, n, 0f, c,
                        Cublas.R_32F, n, Cublas.COMPUTE_32F);
                case "lt_tf32" -> () -> lt.matmulRowMajor(1, false, false, m, n, k, 1f, a, Cublas.R_32F, k, 0, b, n, 0, 0f,
                        c, Cublas.R_32F, n, 0, Cublas.COMPUTE_32F_FAST_TF32, ws, WORKSPACE, MemorySegment.NULL);
                case "lt_bf16" -> () -> lt.matmulRowMajor(1, false, false, m, n, k, 1f, a16, Cublas.R_16BF, k, 0, b16, n, 0, 0f,
                        c, Cublas.R_32F, n, 0, Cublas.COMPUTE_32F, ws, WORKSPACE, MemorySegment.NULL);
                default -> throw new IllegalArgumentException(mode);
            };
            for (int i = 0; i < 3; i++) one.run();
            CudaDriver.ctxSynchronize();
            CudaDriver.eventRecord(e0, MemorySegment.NULL);
            for (int i = 0; i < reps; i++) one.run();
            CudaDriver.eventRecord(e1, MemorySegment.NULL);
            CudaDriver.eventSynchronize(e1);
            double s = CudaDriver.eventElapsedMs(e0, e1) / 1e3 / reps;
            return 2.0 * m * n * k / s / 1e12;
        } finally {
            CudaDriver.eventDestroy(e0);
            CudaDriver.eventDestroy(e1);
            for (long p : new long[]{a, b, c, a16, b16, ws}) CudaDriver.memFree(p);
        }
    }

    private static long fill(long n) {
        float[] x = new float[(int) n];
        Random r = new Random(n);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
        long p = CudaDriver.memAlloc(n * 4);
        CudaDriver.memcpyHtoD(p, x, 0, x.length);
        return p;
    }
}
