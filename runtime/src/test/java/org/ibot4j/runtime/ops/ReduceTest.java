package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.IntTensor;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReduceTest {
    private static final Tensor X = Tensor.of(new float[] {1, 5, 3, 4, 2, 6}, 2, 3);

    @Test void forwardValues() {
        assertEquals(21f, X.sum().item());
        assertClose(new float[] {5, 7, 9}, X.sum(0, false), 0);
        assertArrayEquals(new int[] {2, 1}, X.sum(1, true).dims());
        assertClose(new float[] {9, 12}, X.sum(1, true), 0);
        assertClose(new float[] {3, 4}, X.mean(1, false), 1e-7);
        assertEquals(3.5f, X.mean().item(), 1e-7);
        assertClose(new float[] {5, 6}, X.max(1, false), 0);
        assertClose(new float[] {4, 5, 6}, X.max(0, false), 0);
        IntTensor am = X.argmax(1);
        assertArrayEquals(new int[] {1, 2}, am.data());
        assertClose(new float[] {5, 7, 9}, X.transpose(0, 1).sum(1, false), 0);  // strided input
    }

    @Test void gradSum() {
        GradCheck.of("sum_all", in -> in[0].sum()).check(randn(1, 2, 3, 4));
        GradCheck.of("sum_dim1", in -> in[0].sum(1, false)).check(randn(2, 2, 3, 4));
        GradCheck.of("sum_dims_keep", in -> in[0].sum(new int[] {0, 2}, true)).check(randn(3, 2, 3, 4));
        GradCheck.of("sum_transposed", in -> in[0].transpose(0, 2).sum(-1, false)).check(randn(4, 2, 3, 4));
    }

    @Test void gradMean() {
        GradCheck.of("mean_all", in -> in[0].mean()).check(randn(1, 2, 3, 4));
        GradCheck.of("mean_last", in -> in[0].mean(-1, true)).check(randn(2, 2, 3, 4));
    }

    @Test void gradMax() {
        // distinct values so the maximum is unique and stays put under the ±eps perturbation
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) v[i] = (float) (((i * 7) % 24) * 0.1 - 1.0);
        Tensor x = Tensor.of(v, 2, 3, 4).requiresGrad(true);
        GradCheck.of("max_dim1", in -> in[0].max(1, false)).check(x);
        GradCheck.of("max_last_keep", in -> in[0].max(-1, true)).check(x);
        GradCheck.of("max_dim0", in -> in[0].max(0, false)).check(x);
    }
}
