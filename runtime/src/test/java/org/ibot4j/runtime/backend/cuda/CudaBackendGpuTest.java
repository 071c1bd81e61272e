package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.tensor.Device;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CUDA backend against the scalar reference, method by method. Skips (with the reason) without a GPU. */
class CudaBackendGpuTest {
    private static CudaBackend fp32;

    /** Per test, so each one is reported skipped with the reason. */
    @BeforeEach void requireGpu() {
        CudaAssumptions.requireBackendLibraries();
        if (fp32 == null) fp32 = CudaBackend.create(GemmPrecision.FP32);
    }

    @Test void everyMethodMatchesTheScalarReference() {
        List<CudaParity.Result> results = CudaParity.run(fp32);
        assertTrue(results.size() > 40, "ran " + results.size() + " checks");
        StringBuilder failed = new StringBuilder();
        for (CudaParity.Result r : results) if (!r.ok()) failed.append(r).append('\n');
        assertEquals("", failed.toString());
        assertEquals(Device.CUDA, fp32.device());
    }

    @Test void tf32AndBf16GemmsAreCloseButNotExact() {
        Random r = new Random(5);
        int m = 128, n = 96, k = 256;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() * 2 - 1;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() * 2 - 1;
        float[] ref = new float[m * n];
        Backends.reference().sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, ref, 0, n);
        for (GemmPrecision p : new GemmPrecision[]{GemmPrecision.TF32, GemmPrecision.BF16}) {
            float[] c = new float[m * n];
            try (CudaBackend be = CudaBackend.create(p)) {
                be.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            }
            double max = 0;
            for (int i = 0; i < c.length; i++) max = Math.max(max, Math.abs(c[i] - ref[i]));
            // k=256 products of numbers in [-1,1]: TF32 (10-bit mantissa) and BF16 (7-bit) errors stay well under these
            assertTrue(max < (p == GemmPrecision.TF32 ? 0.05 : 0.3), p + " max error " + max);
        }
    }

    @Test void opsRunThroughTheSeamOnTheGpu() {
        var x = org.ibot4j.runtime.tensor.Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        var cpu = Backends.with(Backends.reference(), () -> org.ibot4j.runtime.ops.F.softmax(x, -1));
        var gpu = Backends.with(fp32, () -> org.ibot4j.runtime.ops.F.softmax(x, -1));
        for (int i = 0; i < 6; i++) assertEquals(cpu.contiguous().array()[i], gpu.contiguous().array()[i], 1e-6f);
    }
}
