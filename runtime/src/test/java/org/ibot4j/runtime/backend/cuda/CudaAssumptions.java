package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.Nvrtc;

/** The assumptions of the GPU tests that need the CUDA backend: call from {@code @BeforeEach}, so each test is reported skipped with the reason. */
final class CudaAssumptions {
    private CudaAssumptions() {}

    /** The driver, cuBLAS and NVRTC are loaded; otherwise the test is skipped, naming the one missing and why. */
    static void requireBackendLibraries() {
        assumeTrue(Cuda.available(), () -> "no GPU: " + Cuda.unavailableReason());
        assumeTrue(Cublas.isLoaded(), () -> "no cuBLAS: " + Cublas.unavailableReason());
        assumeTrue(Nvrtc.isLoaded(), () -> "no NVRTC: " + Nvrtc.unavailableReason());
    }
}
