package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.ibot4j.runtime.testing.Tensors.uniform;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormalizeTest {
    @Test void l2ForwardHandComputed() {
        Tensor x = Tensor.of(new float[] {3, 4, 0, 0, 1e-13f, 0}, 3, 2);
        assertClose(new float[] {0.6f, 0.8f, 0, 0, 0.1f, 0}, Normalize.l2Normalize(x, 1, 1e-12f), 1e-7);
        // over dim 0: columns [3,0,1e-13] and [4,0,0]
        assertClose(new float[] {1, 1, 0, 0, 1e-13f / 3, 0}, F.normalize(x, 0, 1e-12f), 1e-7);
    }

    @Test void l2Grad() {
        GradCheck.of("l2_normalize_last", in -> Normalize.l2Normalize(in[0], -1, 1e-12f)).check(randn(1, 3, 5));
        GradCheck.of("l2_normalize_dim1", in -> Normalize.l2Normalize(in[0], 1, 1e-12f)).check(randn(2, 2, 4, 3));
    }

    @Test void l2GradInTheClampedRegion() {
        // every norm is below eps = 10: y = x / 10, dy/dx = 1/10 with no norm term
        Tensor x = uniform(3, -1f, 1f, 2, 3);
        GradCheck.of("l2_normalize_clamped", in -> Normalize.l2Normalize(in[0], -1, 10f)).check(x);
        Tensor x2 = uniform(3, -1f, 1f, 2, 3);
        Normalize.l2Normalize(x2, -1, 10f).sum().backward();
        assertClose(new float[] {0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f}, x2.grad(), 1e-7);
    }

    @Test void weightNormForwardHandComputed() {
        Tensor v = Tensor.of(new float[] {3, 4, 0, 2}, 2, 2);
        Tensor g = Tensor.of(new float[] {2, 0.5f}, 2, 1);
        assertClose(new float[] {1.2f, 1.6f, 0, 0.5f}, Normalize.weightNorm(g, v), 1e-7);
        Tensor v4 = Tensor.of(new float[] {3, 0, 0, 4, 1, 1, 1, 1}, 2, 1, 2, 2);
        Tensor g4 = Tensor.of(new float[] {1, 4}, 2, 1, 1, 1);
        assertClose(new float[] {0.6f, 0, 0, 0.8f, 2, 2, 2, 2}, F.weightNorm(g4, v4), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> Normalize.weightNorm(Tensor.ones(3, 1), v));
    }

    @Test void weightNormGrad() {
        GradCheck.of("weight_norm", in -> Normalize.weightNorm(in[0], in[1])).check(uniform(1, 0.5f, 2f, 4, 1), randn(2, 4, 3));
        GradCheck.of("weight_norm_4d", in -> Normalize.weightNorm(in[0], in[1])).check(uniform(3, 0.5f, 2f, 2, 1, 1, 1), randn(4, 2, 3, 2, 2));
        GradCheck.of("weight_norm_frozen_g", in -> Normalize.weightNorm(in[0], in[1])).check(Tensor.ones(4, 1), randn(5, 4, 3));
    }

    @Test void frozenGainGetsNoGrad() {
        Tensor g = Tensor.ones(3, 1), v = randn(6, 3, 4);
        Normalize.weightNorm(g, v).sum().backward();
        assertNull(g.grad());
    }
}
