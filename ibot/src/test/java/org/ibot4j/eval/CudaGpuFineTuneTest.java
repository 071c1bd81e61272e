package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import org.ibot4j.data.Dataset;
import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.Nvrtc;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning with the classifier and AdamW state on the GPU (Mixup/CutMix targets, drop path, layer decay), stopped
 * after one epoch and resumed from its checkpoint, ends where two CPU epochs end. GPU or the fakes; skips otherwise.
 */
class CudaGpuFineTuneTest {
    @Test
    void gpuRunWithResumeMatchesTheCpu(@TempDir Path dir) throws Exception {
        assumeTrue(Cuda.available(), () -> "no GPU: " + Cuda.unavailableReason());
        assumeTrue(Cublas.isLoaded() && Nvrtc.isLoaded(), "no cuBLAS or NVRTC");
        Path cpu = dir.resolve("cpu"), gpu = dir.resolve("gpu");
        Dataset train = FineTuneTest.colours(48, 5), val = FineTuneTest.colours(16, 6);
        new FineTune(FineTuneTest.config(cpu, 2, 1, 2e-3, 0.8, 1.0, 0.25, 2), FineTuneTest.tinyModel(0.2f, 9), train, val,
                FineTuneTest.sink(), FineTuneTest.sink()).run();
        new FineTune(FineTuneTest.config(gpu, 2, 1, 2e-3, 0.8, 1.0, 0.25, 0), FineTuneTest.tinyModel(0.2f, 9), train, val,
                FineTuneTest.sink(), FineTuneTest.sink()).on(Device.CUDA).run(1);
        new FineTune(FineTuneTest.config(gpu, 2, 1, 2e-3, 0.8, 1.0, 0.25, 1), FineTuneTest.tinyModel(0.2f, 77), train, val,
                FineTuneTest.sink(), FineTuneTest.sink()).on(Device.CUDA).run();
        Map<?, ?> a = (Map<?, ?>) PthReader.load(cpu.resolve(FineTune.LATEST)), b = (Map<?, ?>) PthReader.load(gpu.resolve(FineTune.LATEST));
        Map<String, Tensor> ma = PthReader.tensors((Map<?, ?>) a.get("model")), mb = PthReader.tensors((Map<?, ?>) b.get("model"));
        assertEquals(ma.keySet(), mb.keySet());
        for (String k : ma.keySet()) {
            float[] x = ma.get(k).toArray(), y = mb.get(k).toArray();
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-4f * Math.max(1f, Math.abs(x[i])), k + " at " + i);
        }
        assertEquals(a.get("epoch"), b.get("epoch"));
    }
}
