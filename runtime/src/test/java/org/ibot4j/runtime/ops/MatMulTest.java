package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MatMulTest {
    @Test void forward2dValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 2, -1}, 3, 2);
        assertClose(new float[] {7, -1, 16, -1}, a.matmul(b), 0);
        // all four transpose combinations give the same product
        assertClose(new float[] {7, -1, 16, -1}, MatMul.matmul(a.transpose(0, 1).contiguous(), b, true, false), 0);
        assertClose(new float[] {7, -1, 16, -1}, MatMul.matmul(a, b.transpose(0, 1).contiguous(), false, true), 0);
        assertClose(new float[] {7, -1, 16, -1},
                MatMul.matmul(a.transpose(0, 1).contiguous(), b.transpose(0, 1).contiguous(), true, true), 0);
        // transposed views
        assertClose(new float[] {7, -1, 16, -1}, a.transpose(0, 1).contiguous().transpose(0, 1).matmul(b), 0);
        assertThrows(IllegalArgumentException.class, () -> a.matmul(a));
    }

    @Test void forwardBatchedAndBroadcast() {
        Tensor a = Tensor.arange(12).reshape(2, 2, 3);
        Tensor b = Tensor.arange(6).reshape(3, 2);
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[] {2, 2, 2}, c.dims());
        // row [6,7,8]·b = [6*0+7*2+8*4, 6*1+7*3+8*5]
        assertClose(new float[] {10, 13, 28, 40, 46, 67, 64, 94}, c, 0);
        Tensor c3 = a.matmul(b.unsqueeze(0).expand(2, 3, 2));
        assertClose(c, c3, 0);
    }

    @Test void grad2dAllTransposeCombos() {
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? randn(1, 4, 3) : randn(1, 3, 4);
                Tensor b = tb ? randn(2, 5, 4) : randn(2, 4, 5);
                GradCheck.of("matmul_2d_" + ta + "_" + tb, in -> MatMul.matmul(in[0], in[1], ta, tb)).check(a, b);
            }
    }

    @Test void gradTransposedViews() {
        GradCheck.of("matmul_view_a", in -> in[0].transpose(0, 1).matmul(in[1])).check(randn(1, 4, 3), randn(2, 4, 5));
        GradCheck.of("matmul_view_b", in -> in[0].matmul(in[1].transpose(0, 1))).check(randn(3, 3, 4), randn(4, 5, 4));
        GradCheck.of("matmul_view_both_flag", in -> MatMul.matmul(in[0].transpose(0, 1), in[1].transpose(0, 1), true, true))
                .check(randn(5, 3, 4), randn(6, 4, 5));
        GradCheck.of("matmul_view_3d", in -> in[0].transpose(1, 2).matmul(in[1])).check(randn(7, 2, 4, 3), randn(8, 2, 4, 2));
        GradCheck.of("matmul_permuted_4d", in -> in[0].permute(0, 2, 1, 3).matmul(in[1].permute(0, 2, 3, 1)))
                .check(randn(9, 2, 3, 2, 4), randn(10, 2, 3, 2, 4));
    }

    @Test void gradBatched3d() {
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? randn(1, 2, 4, 3) : randn(1, 2, 3, 4);
                Tensor b = tb ? randn(2, 2, 5, 4) : randn(2, 2, 4, 5);
                GradCheck.of("matmul_3d_" + ta + "_" + tb, in -> MatMul.matmul(in[0], in[1], ta, tb)).check(a, b);
            }
    }

    @Test void gradBroadcast() {
        GradCheck.of("matmul_4d_x_2d", in -> in[0].matmul(in[1])).check(randn(1, 2, 3, 2, 4), randn(2, 4, 3));
        GradCheck.of("matmul_4d_x_2d_t", in -> MatMul.matmul(in[0], in[1], false, true)).check(randn(3, 2, 2, 3, 4), randn(4, 5, 4));
        GradCheck.of("matmul_2d_x_3d", in -> in[0].matmul(in[1])).check(randn(5, 3, 4), randn(6, 2, 4, 2));
        GradCheck.of("matmul_bcast_batch", in -> in[0].matmul(in[1])).check(randn(7, 2, 1, 3, 4), randn(8, 1, 3, 4, 2));
        GradCheck.of("matmul_3d_x_2d_transA", in -> MatMul.matmul(in[0], in[1], true, false)).check(randn(9, 2, 4, 3), randn(10, 4, 2));
    }
}
