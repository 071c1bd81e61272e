package org.ibot4j.model;

import org.ibot4j.runtime.nn.Init;
import org.ibot4j.runtime.nn.Linear;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.DType;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Window multi-head self-attention with a relative position bias (spec 4.2): {@code qkv = Linear(c, 3c)},
 * {@code A = softmax(q·dh^-0.5·kᵀ + bias (+ shift mask))}, {@code proj(A·v)}. State: {@code
 * relative_position_bias_table [(2w−1)², heads]} (a parameter, trunc-normal 0.02), {@code relative_position_index
 * [w², w²]} (a constant persistent buffer, so never trained or averaged; saved as int64), {@code qkv.*}, {@code proj.*}.
 * The bias is gathered from the table through {@code indexSelect}, whose backward scatter-adds into the table;
 * the probabilities come from the fused {@link WindowAttentionProbs}.
 */
public final class WindowAttention extends Module {
    /** Output {@code [B_, w², c]} and, when asked, the probabilities {@code [B_, heads, w², w²]}. */
    public record Output(Tensor x, Tensor attn) {}

    private final int dim, window, heads, headDim;
    private final float scale;
    private final Parameter table;
    private final int[] index;
    private final Linear qkv, proj;

    public WindowAttention(int dim, int window, int heads, boolean qkvBias, Rng rng) {
        if (dim % heads != 0) throw new IllegalArgumentException("window attention dim " + dim + " is not divisible by " + heads + " heads");
        this.dim = dim;
        this.window = window;
        this.heads = heads;
        this.headDim = dim / heads;
        this.scale = (float) Math.pow(headDim, -0.5);
        int side = 2 * window - 1;
        this.table = registerParameter("relative_position_bias_table", Tensor.zeros(side * side, heads));
        this.index = SwinWindows.relativePositionIndex(window);
        float[] idx = new float[index.length];
        for (int i = 0; i < idx.length; i++) idx[i] = index[i];
        // int64 in checkpoints, as PyTorch keeps it (spec 8.3); float32 in memory like every tensor here
        registerBuffer("relative_position_index", Tensor.of(idx, window * window, window * window).withSavedDType(DType.I64));
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, qkvBias, rng));
        this.proj = registerModule("proj", new Linear(dim, dim, true, rng));
    }

    /** Reference init: bias table trunc-normal 0.02, Linear weights trunc-normal 0.02 with zero biases. */
    void initWeights(Rng rng) {
        Init.truncNormal(table.tensor(), 0.02, rng);
        qkv.initTruncNormal(0.02, rng);
        proj.initTruncNormal(0.02, rng);
    }

    /** The bias {@code [heads, w², w²]} gathered from the table. */
    public Tensor relativeBias() {
        int n = window * window;
        return table.tensor().indexSelect(0, index).reshape(n, n, heads).permute(2, 0, 1);
    }

    /**
     * {@code x [B_, w², c]} (windows of {@code B_/nW} images, image-major); {@code mask [nW, w², w²]} or null.
     */
    public Output forward(Tensor x, Tensor mask, boolean returnAttention) {
        int n = window * window;
        if (x.rank() != 3 || x.dim(1) != n || x.dim(2) != dim)
            throw new IllegalArgumentException("WindowAttention(dim " + dim + ", window " + window + ") expects [windows, " + n + ", " + dim + "], got " + x.shape());
        int b = x.dim(0);
        Tensor qkvOut = SwinLayout.splitHeads(qkv.forward(x), heads);                           // [3, B_, h, n, dh]
        Tensor q = qkvOut.select(0, 0), k = qkvOut.select(0, 1), v = qkvOut.select(0, 2);
        if (mask != null && b % mask.dim(0) != 0)
            throw new IllegalArgumentException(b + " windows are not a multiple of the mask's " + mask.dim(0));
        Tensor probs = WindowAttentionProbs.compute(q, k, scale, relativeBias(), mask);          // [B_, h, n, n]
        Tensor y = probs.matmul(v).transpose(1, 2).reshape(b, n, dim);
        return new Output(proj.forward(y), returnAttention ? probs : null);
    }

    public Parameter relativePositionBiasTable() { return table; }

    public Linear qkv() { return qkv; }

    public Linear proj() { return proj; }

    public int window() { return window; }

    public int heads() { return heads; }
}
