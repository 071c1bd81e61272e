package org.ibot4j.nativebind.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Needs a GPU: each test skips with the reason CUDA (or cuBLAS/NVRTC) is unavailable. */
class CudaGpuTest {
    @BeforeEach void requireGpu() {
        assumeTrue(Cuda.available(), () -> "no GPU: " + Cuda.unavailableReason());
        Cuda.makeCurrent();
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    private static long upload(float[] x) {
        long p = CudaDriver.memAlloc((long) x.length * Float.BYTES);
        CudaDriver.memcpyHtoD(p, x, 0, x.length);
        return p;
    }

    private static float[] download(long p, int n) {
        float[] y = new float[n];
        CudaDriver.memcpyDtoH(y, 0, p, n);
        return y;
    }

    /** Row-major reference: C = A(m×k)·B(k×n). */
    private static float[] matmul(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
                c[i * n + j] = (float) s;
            }
        return c;
    }

    @Test void deviceInfoMemoryRoundTripAndMemset() {
        Cuda.DeviceInfo d = Cuda.device();
        assertTrue(d.ccMajor() >= 3 && d.totalMemory() > 0, d.toString());
        float[] x = random(new Random(1), 1000);
        long p = upload(x), q = CudaDriver.memAlloc(4000);
        try {
            CudaDriver.memcpyDtoD(q, p, 4000);
            assertArrayEquals(x, download(q, 1000));
            CudaDriver.memsetD32(q, Float.floatToRawIntBits(2.5f), 1000);
            assertEquals(2.5f, download(q, 1000)[999]);
            long[] info = CudaDriver.memGetInfo();
            assertTrue(info[0] > 0 && info[1] >= info[0]);
        } finally {
            CudaDriver.memFree(p);
            CudaDriver.memFree(q);
        }
    }

    @Test void impossibleAllocationIsOutOfMemoryByName() {
        var e = assertThrows(CudaException.class, () -> CudaDriver.memAlloc(1L << 50));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals("cuMemAlloc_v2", e.call());
    }

    @Test void nvrtcCompilesAndTheKernelRunsTimedByEvents() {
        assumeTrue(Nvrtc.isLoaded(), () -> "NVRTC: " + Nvrtc.unavailableReason());
        String src = "extern \"C\" __global__ void scale(float* y, const float* x, float a, int n) {"
                + " int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] = a * x[i]; }";
        PtxCache cache = new PtxCache((s, name, arch) -> Nvrtc.compile(s, name, List.of("--gpu-architecture=compute_"
                + arch.substring(3))), null);
        String ptx = cache.get(src, "scale.cu", Cuda.device().arch());
        assertTrue(ptx.contains(".entry scale"), ptx);
        MemorySegment module = CudaDriver.moduleLoadData(ptx);
        MemorySegment fn = CudaDriver.moduleGetFunction(module, "scale");
        float[] x = random(new Random(2), 3000);
        long px = upload(x), py = CudaDriver.memAlloc(12000);
        MemorySegment stream = CudaDriver.streamCreate(CudaDriver.STREAM_NON_BLOCKING);
        MemorySegment e0 = CudaDriver.eventCreate(0), e1 = CudaDriver.eventCreate(0);
        try {
            CudaDriver.eventRecord(e0, stream);
            CudaDriver.launch(fn, (3000 + 255) / 256, 1, 1, 256, 1, 1, 0, stream, py, px, 3f, 3000);
            CudaDriver.eventRecord(e1, stream);
            CudaDriver.streamSynchronize(stream);
            assertTrue(CudaDriver.eventElapsedMs(e0, e1) >= 0);
            float[] y = download(py, 3000);
            for (int i = 0; i < 3000; i++) assertEquals(3f * x[i], y[i], 0f);
            var bad = assertThrows(CudaException.class, () -> CudaDriver.moduleGetFunction(module, "nope"));
            assertEquals("CUDA_ERROR_NOT_FOUND", bad.errorName());
        } finally {
            CudaDriver.eventDestroy(e0);
            CudaDriver.eventDestroy(e1);
            CudaDriver.streamDestroy(stream);
            CudaDriver.memFree(px);
            CudaDriver.memFree(py);
            CudaDriver.moduleUnload(module);
        }
    }

    @Test void nvrtcCompileErrorCarriesTheLog() {
        assumeTrue(Nvrtc.isLoaded(), () -> "NVRTC: " + Nvrtc.unavailableReason());
        var e = assertThrows(CudaException.class, () -> Nvrtc.compile("__global__ void k() { undefined_thing; }", "bad.cu", List.of()));
        assertEquals("NVRTC_ERROR_COMPILATION", e.errorName());
        assertTrue(e.getMessage().contains("undefined_thing"), e.getMessage());
    }

    @Test void cublasSgemmTf32AndBf16MatchTheReferenceRowMajor() {
        assumeTrue(Cublas.isLoaded(), () -> "cuBLAS: " + Cublas.unavailableReason());
        Random r = new Random(3);
        int m = 67, n = 45, k = 129;
        float[] a = random(r, m * k), b = random(r, k * n), expect = matmul(a, b, m, n, k);
        long pa = upload(a), pb = upload(b), pc = CudaDriver.memAlloc((long) m * n * 4);
        long pa16 = CudaDriver.memAlloc((long) m * k * 2), pb16 = CudaDriver.memAlloc((long) k * n * 2);
        try (Cublas blas = Cublas.create()) {
            assertTrue(blas.version() > 0);
            blas.sgemmRowMajor(false, false, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
            float[] c = download(pc, m * n);
            for (int i = 0; i < c.length; i++) assertEquals(expect[i], c[i], 1e-4f, "sgemm at " + i);

            blas.gemmExRowMajor(false, false, m, n, k, 1f, pa, Cublas.R_32F, k, pb, n, 0f, pc, Cublas.R_32F, n,
                    Cublas.COMPUTE_32F_FAST_TF32);
            c = download(pc, m * n);
            for (int i = 0; i < c.length; i++) assertEquals(expect[i], c[i], 3e-2f, "tf32 at " + i);

            CudaDriver.memcpyHtoD(pa16, MemorySegment.ofArray(toBf16(a)));
            CudaDriver.memcpyHtoD(pb16, MemorySegment.ofArray(toBf16(b)));
            blas.gemmExRowMajor(false, false, m, n, k, 1f, pa16, Cublas.R_16BF, k, pb16, n, 0f, pc, Cublas.R_32F, n,
                    Cublas.COMPUTE_32F);
            c = download(pc, m * n);
            for (int i = 0; i < c.length; i++) assertEquals(expect[i], c[i], 1e-1f, "bf16 at " + i);

            // batch of 3 with strides: the second operand shared (stride 0)
            float[] a3 = random(r, 3 * m * k);
            long pa3 = upload(a3), pc3 = CudaDriver.memAlloc(3L * m * n * 4);
            try {
                blas.sgemmStridedBatchedRowMajor(3, false, false, m, n, k, 1f, pa3, k, (long) m * k, pb, n, 0, 0f, pc3, n,
                        (long) m * n);
                float[] c3 = download(pc3, 3 * m * n);
                for (int bi = 0; bi < 3; bi++) {
                    float[] ai = java.util.Arrays.copyOfRange(a3, bi * m * k, (bi + 1) * m * k);
                    float[] ei = matmul(ai, b, m, n, k);
                    for (int i = 0; i < ei.length; i++) assertEquals(ei[i], c3[bi * m * n + i], 1e-4f, "batch " + bi);
                }
            } finally {
                CudaDriver.memFree(pa3);
                CudaDriver.memFree(pc3);
            }
            var e = assertThrows(CudaException.class, () -> blas.sgemm(Cublas.OP_N, Cublas.OP_N, -1, 1, 1, 1f, pa, 1, pb, 1, 0f, pc, 1));
            assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.errorName());
        } finally {
            for (long p : new long[]{pa, pb, pc, pa16, pb16}) CudaDriver.memFree(p);
        }
    }

    @Test void cublasLtBatchedMatmulTf32AndBf16MatchTheReference() {
        assumeTrue(CublasLt.isLoaded(), () -> "cuBLASLt: " + CublasLt.unavailableReason());
        Random r = new Random(4);
        int batch = 3, m = 40, n = 24, k = 72;
        float[] a = random(r, batch * m * k), b = random(r, batch * n * k);  // B stored transposed: n×k per batch
        long pa = upload(a), pb = upload(b), pc = CudaDriver.memAlloc((long) batch * m * n * 4);
        long pa16 = CudaDriver.memAlloc((long) a.length * 2), pb16 = CudaDriver.memAlloc((long) b.length * 2);
        long ws = CudaDriver.memAlloc(1 << 22);
        try (CublasLt lt = CublasLt.create()) {
            assertTrue(CublasLt.version() > 0);
            CudaDriver.memcpyHtoD(pa16, MemorySegment.ofArray(toBf16(a)));
            CudaDriver.memcpyHtoD(pb16, MemorySegment.ofArray(toBf16(b)));
            for (boolean bf16 : new boolean[]{false, true}) {
                lt.matmulRowMajor(batch, false, true, m, n, k, 1f, bf16 ? pa16 : pa, bf16 ? Cublas.R_16BF : Cublas.R_32F, k,
                        (long) m * k, bf16 ? pb16 : pb, k, (long) n * k, 0f, pc, Cublas.R_32F, n, (long) m * n,
                        bf16 ? Cublas.COMPUTE_32F : Cublas.COMPUTE_32F_FAST_TF32, ws, 1 << 22, MemorySegment.NULL);
                CudaDriver.ctxSynchronize();
                float[] c = download(pc, batch * m * n);
                for (int bi = 0; bi < batch; bi++)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) s += (double) a[bi * m * k + i * k + p] * b[bi * n * k + j * k + p];
                            assertEquals(s, c[bi * m * n + i * n + j], bf16 ? 0.15 : 0.03, "bf16=" + bf16 + " batch " + bi);
                        }
            }
        } finally {
            for (long p : new long[]{pa, pb, pc, pa16, pb16, ws}) CudaDriver.memFree(p);
        }
    }

    /** Round-to-nearest-even float → bfloat16 bits. */
    static short[] toBf16(float[] x) {
        short[] out = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            int bits = Float.floatToRawIntBits(x[i]);
            out[i] = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
        }
        return out;
    }
}
