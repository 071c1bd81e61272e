package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Pre-norm transformer block (DINO/timm {@code Block}, spec 4.1):
 * {@code x = x + dp(attn(norm1(x)))}, {@code x = x + dp(mlp(norm2(x)))}.
 * Children: {@code norm1, attn (qkv, proj), drop_path, norm2, mlp (fc1, fc2)}.
 */
public final class Block extends Layer {
    private final LayerNorm norm1, norm2;
    private final Attention attn;
    private final DropPath dropPath;
    private final Mlp mlp;

    /** The ViT defaults: MLP ratio 4, qkv bias, no dropout or drop path, LayerNorm eps 1e-6. */
    public Block(int dim, int heads, Rng rng) { this(dim, heads, 4.0, true, 0f, 0f, 0f, 1e-6f, rng); }

    /** Parameters are drawn from {@code rng} with PyTorch's default Linear init; dropout masks use streams split from it. */
    public Block(int dim, int heads, double mlpRatio, boolean qkvBias, float drop, float attnDrop, float dropPath, float eps, Rng rng) {
        this.norm1 = registerModule("norm1", new LayerNorm(dim, eps));
        this.attn = registerModule("attn", new Attention(dim, heads, qkvBias, null, attnDrop, drop, rng));
        this.dropPath = registerModule("drop_path", new DropPath(dropPath, rng.split()));
        this.norm2 = registerModule("norm2", new LayerNorm(dim, eps));
        this.mlp = registerModule("mlp", new Mlp(dim, (int) (dim * mlpRatio), dim, drop, rng));
    }

    @Override public Tensor forward(Tensor x) { return forward(x, false).x(); }

    /** The block output and, when asked, the attention probabilities {@code [B, heads, N, N]} of its attention. */
    public Attention.Output forward(Tensor x, boolean returnAttention) {
        Attention.Output a = attn.forward(norm1.forward(x), returnAttention);
        x = x.add(dropPath.forward(a.x()));
        x = x.add(dropPath.forward(mlp.forward(norm2.forward(x))));
        return new Attention.Output(x, a.attn());
    }

    public LayerNorm norm1() { return norm1; }

    public LayerNorm norm2() { return norm2; }

    public Attention attn() { return attn; }

    public Mlp mlp() { return mlp; }

    public DropPath dropPath() { return dropPath; }
}
