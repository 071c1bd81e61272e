package org.ibot4j.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cpu.CpuBackend;
import org.ibot4j.runtime.optim.AdamW;
import org.ibot4j.runtime.optim.ParamGroup;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Same seed and thread count → bit-identical weights, outputs, gradients and optimiser updates. */
class DeterminismTest {
    /** One seeded training step of a Block with drop path on: returns output, input grad and updated weights. */
    private static List<float[]> step(long seed, int threads) {
        return Backends.with(CpuBackend.vector(threads), () -> {
            Rng rng = new Rng(seed);
            Block block = new Block(64, 4, 4.0, true, 0f, 0f, 0.2f, 1e-6f, rng);
            Tensor x = Tensor.randn(rng, 3, 17, 64).requiresGrad(true);
            Tensor y = block.forward(x);
            y.mul(y).mean().backward();
            var named = new java.util.LinkedHashMap<String, Tensor>();
            block.namedParameters().forEach((k, p) -> named.put(k, p.tensor()));
            new AdamW(List.of(ParamGroup.of(named, 1e-3, 0.05))).step();
            List<float[]> out = new ArrayList<>();
            out.add(y.toArray());
            out.add(x.grad().toArray());
            for (Tensor t : named.values()) out.add(t.toArray());
            return out;
        });
    }

    @Test
    void seededStepIsBitIdenticalForTheSameThreadCount() {
        for (int threads : new int[] {1, 2, 3}) {
            List<float[]> a = step(42, threads), b = step(42, threads);
            for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "threads=" + threads + " tensor " + i);
        }
    }
}
