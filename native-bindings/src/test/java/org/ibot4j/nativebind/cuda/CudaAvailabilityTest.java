package org.ibot4j.nativebind.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs everywhere: the no-GPU answers, error naming and the PTX cache. */
class CudaAvailabilityTest {
    @Test void availabilityNeverThrowsAndExplainsItself() {
        boolean ok = Cuda.available();
        if (ok) {
            assertNull(Cuda.unavailableReason());
            assertNotNull(Cuda.device().arch());
        } else {
            String why = Cuda.unavailableReason();
            assertNotNull(why);
            assertFalse(why.isBlank());
            var e = assertThrows(IllegalStateException.class, Cuda::device);
            assertTrue(e.getMessage().contains(why), e.getMessage());
        }
    }

    @Test void errorNamesComeFromTheHeaders() {
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", ErrorNames.driver(2));
        assertEquals("CUDA_ERROR_NO_DEVICE", ErrorNames.driver(100));
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", ErrorNames.driver(700));
        assertEquals("CUDA_ERROR_12345", ErrorNames.driver(12345));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", ErrorNames.cublas(7));
        assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", ErrorNames.cublas(15));
        assertEquals("NVRTC_ERROR_COMPILATION", ErrorNames.nvrtc(6));
        // without the driver loaded the binding falls back to the same table
        if (!CudaDriver.isLoaded()) assertEquals("CUDA_ERROR_INVALID_VALUE", CudaDriver.errorName(1));
        if (!Cublas.isLoaded()) assertEquals("CUBLAS_STATUS_EXECUTION_FAILED", Cublas.statusName(13));
        if (!Nvrtc.isLoaded()) assertEquals("NVRTC_ERROR_INVALID_OPTION", Nvrtc.errorName(5));
    }

    @Test void exceptionNamesLibraryCallAndError() {
        var e = new CudaException("cublas", 7, "CUBLAS_STATUS_INVALID_VALUE", "cublasSgemm_v2");
        assertEquals("cublas call cublasSgemm_v2 failed: CUBLAS_STATUS_INVALID_VALUE (7)", e.getMessage());
        assertEquals(7, e.code());
        assertEquals("cublasSgemm_v2", e.call());
        var withLog = new CudaException("nvrtc", 6, "NVRTC_ERROR_COMPILATION", "nvrtcCompileProgram(k.cu)", "k.cu(3): error");
        assertTrue(withLog.getMessage().endsWith("\nk.cu(3): error"));
    }

    @Test void unloadedLibrariesFailWithTheirReason() {
        if (!Cublas.isLoaded()) {
            var e = assertThrows(IllegalStateException.class, Cublas::create);
            assertTrue(e.getMessage().contains("cuBLAS is not available"), e.getMessage());
        }
        if (!Nvrtc.isLoaded()) {
            var e = assertThrows(IllegalStateException.class, () -> Nvrtc.compile("", "x.cu", java.util.List.of()));
            assertTrue(e.getMessage().contains("NVRTC is not available"), e.getMessage());
        }
    }

    @Test void ptxCacheCompilesOncePerArchAndSourceAndPersists(@TempDir Path dir) {
        AtomicInteger calls = new AtomicInteger();
        PtxCache.Compiler fake = (src, name, arch) -> "// " + arch + " " + calls.incrementAndGet() + "\n" + src;
        PtxCache cache = new PtxCache(fake, dir);
        String a = cache.get("kernel A", "a.cu", "sm_90");
        assertEquals(a, cache.get("kernel A", "a.cu", "sm_90"));
        cache.get("kernel A", "a.cu", "sm_80");
        cache.get("kernel B", "b.cu", "sm_90");
        assertEquals(3, calls.get());
        PtxCache again = new PtxCache(fake, dir);  // a new process: served from disk
        assertEquals(a, again.get("kernel A", "a.cu", "sm_90"));
        assertEquals(0, again.compilations());
        assertTrue(PtxCache.key("sm_90", "x").matches("sm_90/[0-9a-f]{64}"));
    }
}
