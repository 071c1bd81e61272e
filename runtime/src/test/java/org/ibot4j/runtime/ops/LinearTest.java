package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LinearTest {
    private static final Tensor W = Tensor.of(new float[] {1, 0, -1, 2, 1, 0}, 2, 3);
    private static final Tensor B = Tensor.of(new float[] {0.5f, -1}, 2);

    @Test void forwardHandComputed() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        // row [1,2,3]: [1-3, 2+2] + b = [-1.5, 3]; row [4,5,6]: [4-6, 8+5] + b = [-1.5, 12]
        assertClose(new float[] {-1.5f, 3, -1.5f, 12}, Linear.linear(x, W, B), 0);
        assertClose(new float[] {-2, 4, -2, 13}, F.linear(x, W, null), 0);
        Tensor x3 = x.reshape(2, 1, 3);
        Tensor y3 = Linear.linear(x3, W, B);
        assertArrayEquals(new int[] {2, 1, 2}, y3.dims());
        assertClose(new float[] {-1.5f, 3, -1.5f, 12}, y3, 0);
        assertClose(new float[] {-1.5f, 3}, Linear.linear(Tensor.of(new float[] {1, 2, 3}, 3), W, B), 0);
    }

    @Test void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> Linear.linear(Tensor.zeros(2, 4), W, B));
        assertThrows(IllegalArgumentException.class, () -> Linear.linear(Tensor.zeros(2, 3), W, Tensor.zeros(3)));
    }

    @Test void grad() {
        GradCheck.of("linear", in -> Linear.linear(in[0], in[1], in[2])).check(randn(1, 4, 3), randn(2, 5, 3), randn(3, 5));
        GradCheck.of("linear_3d", in -> Linear.linear(in[0], in[1], in[2])).check(randn(4, 2, 3, 4), randn(5, 2, 4), randn(6, 2));
        GradCheck.of("linear_nobias", in -> Linear.linear(in[0], in[1], null)).check(randn(7, 2, 3, 4), randn(8, 3, 4));
        GradCheck.of("linear_strided_x", in -> Linear.linear(in[0].transpose(0, 1), in[1], in[2])).check(randn(9, 4, 3), randn(10, 2, 4), randn(11, 2));
        GradCheck.of("linear_1d", in -> Linear.linear(in[0], in[1], in[2])).check(randn(12, 4), randn(13, 3, 4), randn(14, 3));
    }

    @Test void frozenWeightOnlyBiasAndInputGrads() {
        Tensor x = randn(15, 3, 3), b = randn(16, 2);
        Linear.linear(x, W, b).sum().backward();
        assertNull(W.grad());
        assertClose(new float[] {3, 3}, b.grad(), 0);
        assertClose(new float[] {3, 1, -1, 3, 1, -1, 3, 1, -1}, x.grad(), 0);  // column sums of W per row
    }
}
