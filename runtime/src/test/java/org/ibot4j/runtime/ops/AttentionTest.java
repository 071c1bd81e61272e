package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AttentionTest {
    @Test void forwardHandComputed() {
        Tensor q = Tensor.of(new float[] {1, 0}, 1, 2);
        Tensor k = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);
        Tensor v = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Attention.Result r = Attention.scaledDotProduct(q, k, v, 1f);
        double e = Math.E, p0 = e / (1 + e), p1 = 1 / (1 + e);
        assertClose(new float[] {(float) p0, (float) p1}, r.probs(), 1e-6);
        assertClose(new float[] {(float) (p0 + 3 * p1), (float) (2 * p0 + 4 * p1)}, r.output(), 1e-6);
        // scale 0 -> uniform attention, output = mean of v rows
        assertClose(new float[] {2, 3}, F.scaledDotProductAttention(q, k, v, 0f).output(), 1e-6);
    }

    @Test void matchesComposite() {
        Tensor q = randn(1, 2, 3, 5, 4), k = randn(2, 2, 3, 6, 4), v = randn(3, 2, 3, 6, 2);
        float scale = 0.5f;
        Attention.Result r = Attention.scaledDotProduct(q, k, v, scale);
        Tensor probs = q.matmul(k.transpose(-2, -1)).mul(scale).softmax(-1);
        assertArrayEquals(new int[] {2, 3, 5, 6}, r.probs().dims());
        assertArrayEquals(new int[] {2, 3, 5, 2}, r.output().dims());
        assertClose(probs, r.probs(), 1e-6);
        assertClose(probs.matmul(v), r.output(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q, k, randn(4, 2, 3, 5, 2), 1f));
    }

    @Test void gradQkv() {
        GradCheck.of("attention_out", in -> Attention.scaledDotProduct(in[0], in[1], in[2], 0.7f).output())
                .check(randn(1, 2, 2, 3, 4), randn(2, 2, 2, 5, 4), randn(3, 2, 2, 5, 3));
        GradCheck.of("attention_3d", in -> Attention.scaledDotProduct(in[0], in[1], in[2], 0.5f).output())
                .check(randn(4, 2, 3, 2), randn(5, 2, 3, 2), randn(6, 2, 3, 2));
    }

    @Test void gradThroughProbsAndOutput() {
        GradCheck.of("attention_probs", in -> {
            Attention.Result r = Attention.scaledDotProduct(in[0], in[1], in[2], 0.9f);
            return Tensor.concat(java.util.List.of(r.output(), r.probs()), -1);
        }).check(randn(7, 2, 3, 2), randn(8, 2, 4, 2), randn(9, 2, 4, 2));
    }

    @Test void gradFromPackedQkvViews() {
        // the ViT layout: qkv [N, T, 3, H, dh] permuted to [3, N, H, T, dh], q/k/v selected as strided views
        GradCheck.of("attention_qkv_views", in -> {
            Tensor qkv = in[0].reshape(2, 3, 3, 2, 2).permute(2, 0, 3, 1, 4);
            Attention.Result r = Attention.scaledDotProduct(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2), 0.7f);
            return r.output().transpose(1, 2).reshape(2, 3, 4);
        }).check(randn(10, 2, 3, 12));
    }
}
