package org.ibot4j.gpucheck;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Supplier;
import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.nativebind.cuda.CudaException;
import org.ibot4j.nativebind.cuda.Nvrtc;

/**
 * The binding-level checks of the GPU check: failures surface as {@link CudaException}s carrying the
 * library's error name, NVRTC compiles and its log reaches the message, a compiled kernel launches on a
 * stream and is timed with events.
 */
final class BindingChecks {
    private BindingChecks() {}

    static boolean run() {
        boolean ok = true;
        ok &= expect("cuMemAlloc_v2 of 1 PiB", "CUDA_ERROR_OUT_OF_MEMORY", () -> CudaDriver.memAlloc(1L << 50));
        ok &= expect("nvrtc compile error", "NVRTC_ERROR_COMPILATION",
                () -> Nvrtc.compile("__global__ void k() { undefined_symbol_here; }", "bad.cu", List.of()));
        ok &= expect("cublasSgemm_v2 with m=-1", "CUBLAS_STATUS_INVALID_VALUE", () -> {
            try (Cublas b = Cublas.create()) {
                b.sgemm(Cublas.OP_N, Cublas.OP_N, -1, 1, 1, 1f, 0, 1, 0, 1, 0f, 0, 1);
            }
            return null;
        });
        String src = "extern \"C\" __global__ void scale(float* y, const float* x, float a, int n) {"
                + " int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] = a * x[i]; }";
        String ptx = Nvrtc.compile(src, "scale.cu", List.of("--gpu-architecture=" + Cuda.device().arch().replace("sm_", "compute_")));
        MemorySegment module = CudaDriver.moduleLoadData(ptx);
        ok &= expect("cuModuleGetFunction of a missing name", "CUDA_ERROR_NOT_FOUND",
                () -> CudaDriver.moduleGetFunction(module, "missing"));
        MemorySegment fn = CudaDriver.moduleGetFunction(module, "scale");
        int n = 1 << 24;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 1000;
        long px = CudaDriver.memAlloc(4L * n), py = CudaDriver.memAlloc(4L * n);
        MemorySegment stream = CudaDriver.streamCreate(CudaDriver.STREAM_NON_BLOCKING);
        MemorySegment e0 = CudaDriver.eventCreate(0), e1 = CudaDriver.eventCreate(0);
        try {
            CudaDriver.memcpyHtoD(px, x, 0, n);
            CudaDriver.eventRecord(e0, stream);
            CudaDriver.launch(fn, (n + 255) / 256, 1, 1, 256, 1, 1, 0, stream, py, px, 2f, n);
            CudaDriver.eventRecord(e1, stream);
            CudaDriver.streamSynchronize(stream);
            float ms = CudaDriver.eventElapsedMs(e0, e1);
            float[] y = new float[n];
            CudaDriver.memcpyDtoH(y, 0, py, n);
            int bad = 0;
            for (int i = 0; i < n; i++) if (y[i] != 2f * x[i]) bad++;
            System.out.printf("bindings nvrtc_kernel n=%d ms=%.3f GB/s=%.0f wrong=%d %s%n", n, ms, 8.0 * n / ms / 1e6, bad,
                    bad == 0 ? "OK" : "FAIL");
            ok &= bad == 0;
        } finally {
            CudaDriver.eventDestroy(e0);
            CudaDriver.eventDestroy(e1);
            CudaDriver.streamDestroy(stream);
            CudaDriver.memFree(px);
            CudaDriver.memFree(py);
            CudaDriver.moduleUnload(module);
        }
        long[] mem = CudaDriver.memGetInfo();
        System.out.printf("bindings mem_free_mib=%d mem_total_mib=%d%n", mem[0] >> 20, mem[1] >> 20);
        return ok;
    }

    private static boolean expect(String what, String errorName, Supplier<Object> call) {
        try {
            call.get();
            System.out.println("bindings " + what + ": no error, expected " + errorName + " FAIL");
            return false;
        } catch (CudaException e) {
            boolean ok = e.errorName().equals(errorName);
            System.out.println("bindings " + what + ": " + e.getMessage().lines().findFirst().orElse("") + (ok ? " OK" : " FAIL"));
            return ok;
        }
    }
}
