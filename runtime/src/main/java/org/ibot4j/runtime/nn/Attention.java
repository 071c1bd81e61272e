package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Multi-head self-attention (DINO/timm {@code Attention}, spec 4.1). {@code qkv = Linear(D, 3D)}; its output
 * rows are laid out {@code [q | k | v]}, each split into heads of size {@code dh = D/heads} in head order;
 * {@code A = softmax(q·kᵀ·scale)} per head, heads concatenated back in order, then {@code proj = Linear(D, D)}.
 * Children: {@code qkv, attn_drop, proj, proj_drop}.
 */
public final class Attention extends Layer {
    /** The attention output {@code x [B, N, D]} and probabilities {@code attn [B, heads, N, N]}. */
    public record Output(Tensor x, Tensor attn) {}

    private final int dim, heads, headDim;
    private final float scale;
    private final Linear qkv, proj;
    private final Dropout attnDrop, projDrop;

    /** No dropout, qkv bias on, scale {@code dh^-0.5}. */
    public Attention(int dim, int heads, Rng rng) { this(dim, heads, true, null, 0f, 0f, rng); }

    /** {@code qkScale} null means {@code dh^-0.5}. */
    public Attention(int dim, int heads, boolean qkvBias, Float qkScale, float attnDrop, float projDrop, Rng rng) {
        if (heads <= 0 || dim <= 0 || dim % heads != 0)
            throw new IllegalArgumentException("attention dim " + dim + " must be a positive multiple of heads " + heads);
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = qkScale != null ? qkScale : (float) Math.pow(headDim, -0.5);
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, qkvBias, rng));
        this.attnDrop = registerModule("attn_drop", new Dropout(attnDrop, rng.split()));
        this.proj = registerModule("proj", new Linear(dim, dim, true, rng));
        this.projDrop = registerModule("proj_drop", new Dropout(projDrop, rng.split()));
    }

    @Override public Tensor forward(Tensor x) { return forward(x, false).x(); }

    /** Output and attention probabilities; {@code attn} is null unless {@code returnAttention}. */
    public Output forward(Tensor x, boolean returnAttention) {
        if (x.rank() != 3 || x.dim(2) != dim)
            throw new IllegalArgumentException("Attention(dim=" + dim + ") expects [batch, tokens, " + dim + "], got " + x.shape());
        int b = x.dim(0), n = x.dim(1);
        Tensor qkvOut = qkv.forward(x).reshape(b, n, 3, heads, headDim).permute(2, 0, 3, 1, 4);  // [3, B, H, N, dh]
        Tensor q = qkvOut.select(0, 0), k = qkvOut.select(0, 1), v = qkvOut.select(0, 2);
        Tensor out, probs;
        if (isTraining() && attnDrop.p() > 0) {
            probs = attnDrop.forward(q.matmul(k.transpose(-2, -1)).mul(scale).softmax(-1));
            out = probs.matmul(v);
        } else {
            var r = org.ibot4j.runtime.ops.Attention.scaledDotProduct(q, k, v, scale);
            out = r.output();
            probs = r.probs();
        }
        Tensor y = out.transpose(1, 2).reshape(b, n, dim);
        y = projDrop.forward(proj.forward(y));
        return new Output(y, returnAttention ? probs : null);
    }

    public Linear qkv() { return qkv; }

    public Linear proj() { return proj; }

    public int heads() { return heads; }

    public float scale() { return scale; }
}
