package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
    @Test void forwardValues() {
        Tensor x = Tensor.of(new float[] {0, (float) Math.log(3), 1000, 1000}, 2, 2);
        assertClose(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, x.softmax(-1), 1e-7);
        assertClose(new float[] {(float) Math.log(0.25), (float) Math.log(0.75), (float) Math.log(0.5), (float) Math.log(0.5)},
                x.logSoftmax(1), 1e-6);
        Tensor y = Tensor.of(new float[] {0, 1, (float) Math.log(3), 1}, 2, 2);  // softmax over dim 0
        assertClose(new float[] {0.25f, 0.5f, 0.75f, 0.5f}, y.softmax(0), 1e-7);
        Tensor masked = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, 0, 0}, 1, 3);
        assertClose(new float[] {0, 0.5f, 0.5f}, masked.softmax(-1), 0);
    }

    @Test void gradLastDim() {
        GradCheck.of("softmax_last", in -> in[0].softmax(-1)).check(randn(1, 3, 5));
        GradCheck.of("log_softmax_last", in -> in[0].logSoftmax(-1)).check(randn(2, 3, 5));
    }

    @Test void gradNonLastDim() {
        GradCheck.of("softmax_dim0", in -> in[0].softmax(0)).check(randn(3, 3, 4, 2));
        GradCheck.of("softmax_dim1", in -> in[0].softmax(1)).check(randn(4, 3, 4, 2));
        GradCheck.of("log_softmax_dim1", in -> in[0].logSoftmax(1)).check(randn(5, 3, 4, 2));
        GradCheck.of("softmax_strided_input", in -> in[0].transpose(0, 1).softmax(-1)).check(randn(6, 4, 3));
    }
}
