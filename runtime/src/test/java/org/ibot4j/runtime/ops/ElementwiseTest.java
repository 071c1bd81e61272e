package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.ibot4j.runtime.testing.Tensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    @Test void forwardBroadcastValues() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
        Tensor col = Tensor.of(new float[] {2, 4}, 2, 1);
        assertClose(new float[] {11, 22, 33, 14, 25, 36}, a.add(row), 0);
        assertClose(new float[] {-1, 0, 1, 0, 1, 2}, a.sub(col), 0);
        assertClose(new float[] {2, 4, 6, 16, 20, 24}, a.mul(col), 0);
        assertClose(new float[] {0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f}, a.div(row), 1e-7);
        Tensor outer = col.add(row);  // [2,1] + [3] -> [2,3]
        assertArrayEquals(new int[] {2, 3}, outer.dims());
        assertClose(new float[] {12, 22, 32, 14, 24, 34}, outer, 0);
    }

    @Test void forwardUnaryAndScalarValues() {
        Tensor x = Tensor.of(new float[] {-1, 0.5f, 2}, 3);
        assertClose(new float[] {1.5f, 3, 4.5f}, x.add(2.5f), 0);
        assertClose(new float[] {-3, 1.5f, 6}, x.mul(3), 0);
        assertClose(new float[] {2, 0.5f, -1}, x.rsub(1), 0);
        assertClose(new float[] {0, 0.5f, 2}, x.relu(), 0);
        assertClose(new float[] {(float) Math.exp(-1), (float) Math.exp(0.5), (float) Math.exp(2)}, x.exp(), 1e-6);
        assertClose(new float[] {(float) Math.tanh(-1), (float) Math.tanh(0.5), (float) Math.tanh(2)}, x.tanh(), 1e-6);
        Tensor p = Tensor.of(new float[] {0.25f, 4, 9}, 3);
        assertClose(new float[] {0.5f, 2, 3}, p.sqrt(), 1e-7);
        assertClose(new float[] {(float) Math.log(0.25), (float) Math.log(4), (float) Math.log(9)}, p.log(), 1e-6);
        assertClose(new float[] {0.125f, 8, 27}, p.pow(1.5f), 1e-5);
    }

    @Test void gradBinarySameShape() {
        GradCheck.of("add", in -> in[0].add(in[1])).check(randn(1, 2, 3), randn(2, 2, 3));
        GradCheck.of("sub", in -> in[0].sub(in[1])).check(randn(1, 2, 3), randn(2, 2, 3));
        GradCheck.of("mul", in -> in[0].mul(in[1])).check(randn(1, 2, 3), randn(2, 2, 3));
        GradCheck.of("div", in -> in[0].div(in[1])).check(randn(1, 2, 3), uniform(2, 0.5f, 2f, 2, 3));
    }

    @Test void gradBinaryBroadcasting() {
        // [2,3,4] with [4], [3,1], [2,1,4] and a scalar-shaped [1]
        GradCheck.of("add_bcast", in -> in[0].add(in[1])).check(randn(1, 2, 3, 4), randn(2, 4));
        GradCheck.of("sub_bcast", in -> in[0].sub(in[1])).check(randn(3, 3, 1), randn(4, 2, 3, 4));
        GradCheck.of("mul_bcast", in -> in[0].mul(in[1])).check(randn(5, 2, 3, 4), randn(6, 2, 1, 4));
        GradCheck.of("div_bcast", in -> in[0].div(in[1])).check(randn(7, 2, 3, 4), uniform(8, 0.5f, 2f, 1));
        GradCheck.of("div_bcast_both", in -> in[0].div(in[1])).check(randn(9, 3, 1), uniform(10, 0.5f, 2f, 1, 4));
    }

    @Test void gradBinaryOnTransposedViews() {
        GradCheck.of("mul_views", in -> in[0].transpose(0, 1).mul(in[1])).check(randn(11, 3, 2), randn(12, 2, 3));
    }

    @Test void gradScalarOps() {
        GradCheck.of("add_scalar", in -> in[0].add(1.5f)).check(randn(1, 2, 3));
        GradCheck.of("mul_scalar", in -> in[0].mul(-2.5f)).check(randn(2, 2, 3));
        GradCheck.of("div_scalar", in -> in[0].div(4f)).check(randn(3, 2, 3));
        GradCheck.of("rsub", in -> in[0].rsub(3f)).check(randn(4, 2, 3));
        GradCheck.of("neg", in -> in[0].neg()).check(randn(5, 2, 3));
    }

    @Test void gradUnary() {
        GradCheck.of("exp", in -> in[0].exp()).check(randn(1, 2, 3));
        GradCheck.of("log", in -> in[0].log()).check(uniform(2, 0.5f, 3f, 2, 3));
        GradCheck.of("sqrt", in -> in[0].sqrt()).check(uniform(3, 0.5f, 3f, 2, 3));
        GradCheck.of("tanh", in -> in[0].tanh()).check(randn(4, 2, 3));
        GradCheck.of("pow", in -> in[0].pow(2.5f)).check(uniform(5, 0.5f, 2f, 2, 3));
        GradCheck.of("pow_neg", in -> in[0].pow(-1.5f)).check(uniform(6, 0.5f, 2f, 2, 3));
        // relu away from the kink
        Tensor x = Tensor.of(new float[] {-1.2f, -0.3f, 0.4f, 2f, -0.05f, 0.7f}, 2, 3).requiresGrad(true);
        GradCheck.of("relu", in -> in[0].relu()).check(x);
    }
}
