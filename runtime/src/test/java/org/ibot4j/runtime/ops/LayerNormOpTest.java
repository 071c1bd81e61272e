package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LayerNormOpTest {
    @Test void forwardHandComputed() {
        // row [1,2,3,4]: mean 2.5, biased var 1.25; row [2,2,2,2]: var 0 -> all zero (before bias)
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 2, 2, 2, 2}, 2, 4);
        double s = Math.sqrt(1.25 + 1e-5);
        float a = (float) (1.5 / s), c = (float) (0.5 / s);
        assertClose(new float[] {-a, -c, c, a, 0, 0, 0, 0}, LayerNormOp.layerNorm(x, null, null, 1e-5f), 1e-6);
        Tensor w = Tensor.of(new float[] {1, 2, 1, 2}, 4), b = Tensor.of(new float[] {0, 0, 1, 1}, 4);
        assertClose(new float[] {-a, -2 * c, 1 + c, 1 + 2 * a, 0, 0, 1, 1}, LayerNormOp.layerNorm(x, w, b, 1e-5f), 1e-6);
        assertClose(new float[] {-a, -2 * c, 1 + c, 1 + 2 * a, 0, 0, 1, 1}, F.layerNorm(x, w, b, 1e-5f), 1e-6);
    }

    @Test void rejectsWrongAffineShape() {
        assertThrows(IllegalArgumentException.class, () -> LayerNormOp.layerNorm(Tensor.zeros(2, 4), Tensor.ones(3), null, 1e-6f));
    }

    @Test void gradAllInputs() {
        GradCheck.of("layer_norm", in -> LayerNormOp.layerNorm(in[0], in[1], in[2], 1e-6f))
                .check(randn(1, 2, 3, 5), randn(2, 5), randn(3, 5));
    }

    @Test void gradNoAffineAndStridedInput() {
        GradCheck.of("layer_norm_plain", in -> LayerNormOp.layerNorm(in[0], null, null, 1e-5f)).check(randn(4, 3, 6));
        GradCheck.of("layer_norm_strided", in -> LayerNormOp.layerNorm(in[0].transpose(0, 1), in[1], null, 1e-5f))
                .check(randn(5, 6, 3), randn(6, 6));
    }

    @Test void frozenAffineGetsNoGrad() {
        Tensor x = randn(7, 2, 4), w = Tensor.ones(4), b = Tensor.zeros(4);
        LayerNormOp.layerNorm(x, w, b, 1e-6f).mul(Tensor.arange(4)).sum().backward();
        assertNull(w.grad());
        assertNull(b.grad());
        // Σ_j j·xhat_j has a nonzero gradient for x
        assertThrows(AssertionError.class, () -> assertClose(new float[8], x.grad(), 1e-6));
    }
}
