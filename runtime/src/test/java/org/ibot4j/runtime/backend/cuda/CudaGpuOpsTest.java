package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every op on device tensors against the same op on the CPU ({@link CudaOpsParity}: values and input gradients on
 * strided, broadcast and sliced views) and the transfer counters. Runs on a GPU or on the host-memory fakes
 * (scripts/fake-cuda-check.sh); skips with the reason otherwise.
 */
class CudaGpuOpsTest {
    @BeforeEach
    void needCuda() {
        CudaAssumptions.requireBackendLibraries();
    }

    @Test void everyOpMatchesTheCpuInValuesAndGradients() {
        List<CudaParity.Result> results = CudaOpsParity.run();
        StringBuilder failed = new StringBuilder();
        for (CudaParity.Result r : results) if (!r.ok()) failed.append(r).append('\n');
        assertTrue(results.size() >= 25, "only " + results.size() + " checks ran");
        assertTrue(failed.isEmpty(), failed.toString());
    }

    @Test void transfersAreCountedAndItemComesBack() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).to(Device.CUDA);
        var before = CudaTensors.transfers();
        float s = t.sum().item();
        var d = CudaTensors.transfers().since(before);
        assertEquals(10f, s);
        assertEquals(1, d.downloads());
        assertEquals(4, d.downloadBytes());
        assertEquals(0, d.uploads());
    }

    /** A resumed run: AdamW state installed while the parameter was on the CPU is carried onto the GPU, not restarted. */
    @Test void adamWStateRestoredBeforeTheMoveContinuesOnTheDevice() {
        org.ibot4j.runtime.random.Rng rng = new org.ibot4j.runtime.random.Rng(9);
        Tensor init = Tensor.randn(rng, 3, 5), grad = Tensor.randn(rng, 3, 5);
        Tensor r = Tensor.randn(rng, 15);
        float[] m = Tensor.randn(rng, 15).toArray(), v = r.mul(r).toArray();
        Tensor[] params = {init.contiguousCopy(), init.contiguousCopy()};
        float[][] after = new float[2][];
        for (int k = 0; k < 2; k++) {
            Tensor p = params[k].requiresGrad(true);
            var opt = new org.ibot4j.runtime.optim.AdamW(List.of(org.ibot4j.runtime.optim.ParamGroup.ofTensors(List.of(p), 1e-2, 0.05)));
            opt.setState(p, new org.ibot4j.runtime.optim.AdamW.State(7, m.clone(), v.clone()));
            if (k == 1) p.relocate(Device.CUDA);
            p.setGrad(grad.to(p.device()));
            opt.step();
            after[k] = p.toArray();
            assertEquals(8, opt.state(p).step());
            float[] mk = opt.state(p).expAvg();
            assertEquals(15, mk.length);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(after[0], after[1], "device AdamW after a restored state");
    }
}
