package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.Nvrtc;
import org.ibot4j.runtime.backend.cuda.CudaTensors;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A small Swin (window 4: shifted windows, the shift mask, bias tables by gather) on the GPU against the CPU: masked
 * global crop and a padded local crop, all tokens and every parameter gradient; the mask never comes back to the host.
 * GPU or the host-memory fakes; skips otherwise.
 */
class CudaGpuSwinTest {
    @Test
    void swinForwardAndGradientsMatchTheCpu() {
        assumeTrue(Cuda.available(), () -> "no GPU: " + Cuda.unavailableReason());
        assumeTrue(Cublas.isLoaded() && Nvrtc.isLoaded(), "no cuBLAS or NVRTC");
        SwinConfig c = SwinArch.config("swin_mini", 2, 4, null, null, null).withImgSize(32).withMaskToken(true);
        SwinTransformer cpu = new SwinTransformer(c, new Rng(3)), gpu = new SwinTransformer(c, new Rng(3));
        gpu.to(Device.CUDA);
        Rng r = new Rng(11);
        Tensor global = Tensor.randn(r, 2, 3, 32, 32), local = Tensor.randn(r, 2, 3, 12, 12);
        float[] m = new float[2 * 64];
        for (int i = 0; i < m.length; i += 3) m[i] = 1f;
        Tensor mask = Tensor.of(m, 2, 8, 8);
        Tensor w1 = Tensor.randn(r, 2, 65, 64), w2 = Tensor.randn(r, 2, 64);
        Tensor lc = cpu.forward(global, mask).allTokens().mul(w1).sum().add(cpu.forward(local).cls().mul(w2).sum());
        lc.backward();
        var before = CudaTensors.transfers();
        Tensor gmask = mask.to(Device.CUDA);
        Tensor lg = gpu.forward(global.to(Device.CUDA), gmask).allTokens().mul(w1.to(Device.CUDA)).sum()
                .add(gpu.forward(local.to(Device.CUDA)).cls().mul(w2.to(Device.CUDA)).sum());
        lg.backward();
        assertEquals(0, CudaTensors.transfers().since(before).downloads(), "the Swin step copied something back");
        assertEquals(lc.item(), lg.item(), 1e-4 * Math.max(1, Math.abs(lc.item())));
        var gp = gpu.namedParameters();
        cpu.namedParameters().forEach((name, p) -> {
            if (p.grad() == null) return;
            float[] a = p.grad().toArray(), b = gp.get(name).grad().toArray();
            for (int i = 0; i < a.length; i++)
                assertEquals(a[i], b[i], 1e-3f * Math.max(1f, Math.abs(a[i])), name + " grad at " + i);  // composed vs fused ops: rounding order differs
        });
    }
}
