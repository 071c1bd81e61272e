package org.ibot4j.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The checker itself: it passes a correct rule, and a wrong one fails with a message naming op, input and index. */
class GradCheckTest {
    /** y = x², with a backward that is right or off by a factor. */
    private static Tensor square(Tensor x, float backwardFactor) {
        Tensor out = Tensor.of(x.toArray(), x.shape());
        float[] v = out.array();
        for (int i = 0; i < v.length; i++) v[i] *= v[i];
        return Autograd.record("square", out, g -> new Tensor[] {g.mul(x).mul(2f * backwardFactor)}, x);
    }

    @Test void correctRulePasses() {
        double worst = GradCheck.of("square", in -> square(in[0], 1f)).check(Tensors.randn(1, 3, 4));
        assertTrue(worst < 1e-3, "worst difference " + worst);
    }

    @Test void wrongRuleFailsWithAClearMessage() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.of("square_bug", in -> square(in[0], 1.1f)).check(Tensors.randn(1, 3, 4)));
        assertTrue(e.getMessage().contains("'square_bug'") && e.getMessage().contains("input 0") && e.getMessage().contains("element ["),
                e.getMessage());
    }

    @Test void missingGradientIsCaught() {
        // the rule forgets input 1: its analytic gradient is zero, the numeric one is not
        assertThrows(AssertionError.class, () -> GradCheck.of("forgot_b", in -> {
            Tensor out = in[0].add(in[1]).detach();
            return Autograd.record("forgot_b", out, g -> new Tensor[] {g, null}, in[0], in[1]);
        }).check(Tensors.randn(1, 2), Tensors.randn(2, 2)));
    }

    @Test void unravel() {
        assertArrayEquals(new int[] {1, 0, 2}, GradCheck.unravel(14, Shape.of(2, 3, 4)));
    }
}
