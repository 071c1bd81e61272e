package org.ibot4j.runtime.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.runtime.testing.GradCheck;
import org.junit.jupiter.api.Test;

class ConvAndWeightNormTest {
    @Test void patchConvMatchesDirectSum() {
        PatchConv2d conv = new PatchConv2d(3, 5, 2, true, new Rng(1));
        assertEquals(List.of("weight", "bias"), List.copyOf(conv.stateDict().keySet()));
        Tensor x = Tensor.randn(new Rng(2), 2, 3, 5, 4);  // odd height: last row dropped
        Tensor y = conv.forward(x);
        assertArrayEquals(new int[] {2, 5, 2, 2}, y.dims());
        float[] w = conv.weight().tensor().toArray(), b = conv.bias().tensor().toArray();
        for (int n = 0; n < 2; n++)
            for (int d = 0; d < 5; d++)
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++) {
                        double s = b[d];
                        for (int c = 0; c < 3; c++)
                            for (int u = 0; u < 2; u++)
                                for (int v = 0; v < 2; v++) s += w[((d * 3 + c) * 2 + u) * 2 + v] * x.get(n, c, 2 * i + u, 2 * j + v);
                        assertEquals(s, y.get(n, d, i, j), 1e-5);
                    }
        double bound = 1 / Math.sqrt(12);
        for (float v : w) assertTrue(Math.abs(v) <= bound);
    }

    @Test void weightNormStartsEqualToVAndUsesPyTorchNames() {
        WeightNormLinear l = new WeightNormLinear(6, 4, false, new Rng(3));
        assertEquals(List.of("weight_g", "weight_v"), List.copyOf(l.stateDict().keySet()));
        assertArrayEquals(new int[] {4, 1}, l.weightG().shape().dims());
        assertArrayEquals(l.weightV().tensor().toArray(), l.weight().toArray(), 1e-6f);

        // g = 1 (the iBOT head's fill_(1)): rows of W have unit norm
        l.weightG().tensor().fill(1f);
        float[] w = l.weight().toArray();
        for (int o = 0; o < 4; o++) {
            double s = 0;
            for (int i = 0; i < 6; i++) s += w[o * 6 + i] * w[o * 6 + i];
            assertEquals(1.0, Math.sqrt(s), 1e-6);
        }
        Tensor x = Tensor.randn(new Rng(4), 3, 6);
        assertArrayEquals(new int[] {3, 4}, l.forward(x).dims());
    }

    @Test void weightNormGradientsReachGAndV() {
        WeightNormLinear l = new WeightNormLinear(5, 3, true, new Rng(5));
        Tensor x = Tensor.randn(new Rng(6), 2, 5);
        GradCheck.of("WeightNormLinear wrt g, v, x", in -> org.ibot4j.runtime.ops.Linear.linear(in[2],
                org.ibot4j.runtime.ops.Normalize.weightNorm(in[0], in[1]), l.bias().tensor())).eps(1e-2).tolerance(2e-2, 2e-3).check(l.weightG().tensor().contiguousCopy().requiresGrad(true),
                l.weightV().tensor().contiguousCopy().requiresGrad(true), x.requiresGrad(true));
        l.zeroGrad();
        l.forward(x).sum().backward();
        assertNotNull(l.weightG().grad());
        assertNotNull(l.weightV().grad());
        assertNotNull(l.bias().grad());
    }
}
