package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Dropout and per-sample drop path (stochastic depth, as in timm/DINO). Identity when not training or p == 0.
 * Masks are drawn sequentially from the given {@link Rng}, one {@code nextFloat()} per element (dropout) or per
 * sample (drop path), in row-major order, and an element is kept iff its draw u satisfies u ≥ p (DINO's
 * {@code floor(keep_prob + u)}), so a seed fixes the mask.
 */
public final class Dropout {
    private Dropout() {}

    /** Zeroes each element with probability p and scales the rest by 1/(1-p) when training. */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        checkP(p);
        if (!training || p == 0f) return x;
        float scale = p >= 1f ? 0f : 1f / (1f - p);
        float[] mask = new float[x.size()];
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() >= p ? scale : 0f;
        return scaleBlocks("dropout", x, mask, 1);
    }

    /** Per sample (dim 0): keep the whole sample with probability 1-p and scale by 1/(1-p), else zero it. */
    public static Tensor dropPath(Tensor x, float p, boolean training, Rng rng) {
        checkP(p);
        if (!training || p == 0f) return x;
        if (x.rank() < 1) throw new IllegalArgumentException("dropPath needs a batch dim, got a scalar");
        float scale = p >= 1f ? 0f : 1f / (1f - p);
        int n = x.dim(0);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = rng.nextFloat() >= p ? scale : 0f;
        return scaleBlocks("drop_path", x, mask, n == 0 ? 0 : x.size() / n);
    }

    /** y = x with block i (of {@code block} consecutive row-major elements) multiplied by mask[i]. */
    private static Tensor scaleBlocks(String name, Tensor x, float[] mask, int block) {
        if (x.device() == Device.CUDA) {  // the mask goes up (no copy comes back); the product is recorded
            int[] md = new int[x.rank()];
            java.util.Arrays.fill(md, 1);
            if (block == 1) md = x.dims(); else md[0] = mask.length;
            return x.mul(Tensor.of(mask, md).to(Device.CUDA));
        }
        Tensor out = Tensor.of(scaled(x, mask, block), x.shape());
        return Autograd.record(name, out, g -> new Tensor[] {Tensor.of(scaled(g, mask, block), g.shape())}, x);
    }

    private static float[] scaled(Tensor t, float[] mask, int block) {
        Tensor src = t.isContiguous() ? t : t.contiguousCopy();
        float[] a = src.array(), y = new float[src.size()];
        int off = src.offset();
        for (int b = 0; b < mask.length; b++) {
            float m = mask[b];
            if (m == 0f) continue;
            int base = b * block;
            for (int j = 0; j < block; j++) y[base + j] = a[off + base + j] * m;
        }
        return y;
    }

    private static void checkP(float p) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("drop probability must be in [0, 1], got " + p);
    }
}
