package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.ibot4j.runtime.testing.Tensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CrossEntropyTest {
    @Test void forwardHandComputed() {
        // logits [0, ln 3] -> log-probs [ln 1/4, ln 3/4]
        Tensor logits = Tensor.of(new float[] {0, (float) Math.log(3), 2, 2}, 2, 2);
        Tensor targets = Tensor.of(new float[] {0.5f, 0.5f, 1, 0}, 2, 2);
        float l0 = (float) -(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75)), l1 = (float) Math.log(2);
        Tensor loss = CrossEntropy.softTargetCrossEntropy(logits, targets, -1);
        assertArrayEquals(new int[] {2}, loss.dims());
        assertClose(new float[] {l0, l1}, loss, 1e-6);
        // the same along dim 0 of the transposes
        assertClose(new float[] {l0, l1}, F.softTargetCrossEntropy(logits.transpose(0, 1), targets.transpose(0, 1), 0), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.softTargetCrossEntropy(logits, Tensor.zeros(2, 3), -1));
    }

    @Test void matchesComposite() {
        Tensor logits = randn(1, 2, 3, 5), targets = uniform(2, 0, 1, 2, 3, 5).softmax(-1);
        Tensor composite = targets.mul(logits.logSoftmax(1)).sum(1, false).neg();
        assertClose(composite, CrossEntropy.softTargetCrossEntropy(logits, targets, 1), 1e-5);
    }

    @Test void gradLogitsAndTargets() {
        GradCheck.of("soft_ce_last", in -> CrossEntropy.softTargetCrossEntropy(in[0], in[1], -1))
                .check(randn(1, 3, 6), uniform(2, 0f, 1f, 3, 6));
        GradCheck.of("soft_ce_dim1", in -> CrossEntropy.softTargetCrossEntropy(in[0], in[1], 1))
                .check(randn(3, 2, 4, 3), uniform(4, 0f, 1f, 2, 4, 3));
        GradCheck.of("soft_ce_detached_targets", in -> CrossEntropy.softTargetCrossEntropy(in[0], in[1], -1))
                .check(randn(5, 3, 6), uniform(6, 0f, 1f, 3, 6).requiresGrad(false));
    }
}
