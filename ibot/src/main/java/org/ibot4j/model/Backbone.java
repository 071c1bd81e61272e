package org.ibot4j.model;

import java.util.List;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * What pre-training, evaluation and analysis need from an image backbone (ViT, spec 4.1; Swin, spec 4.2).
 *
 * <p>Token layout of every output: {@code [N, 1+P, D]} with row 0 the CLS token (ViT) or the pseudo-CLS, the
 * mean of the final-normed tokens (Swin), then the {@code P} output tokens row-major over the output grid. One
 * output token covers {@link #tokenStride()} pixels per side: the patch size for ViT, {@code 8·patch} for Swin,
 * which is also the mask cell of masked image modelling (spec 3.1).
 */
public abstract class Backbone extends Module {
    /**
     * One forward's results: {@code allTokens [N, 1+P, D]} after the final norm, {@code cls [N, D]} (row 0 of it),
     * and the last block's attention probabilities when asked, else null (ViT {@code [N, heads, 1+P, 1+P]}; Swin
     * per window {@code [N·windows, heads, w², w²]}).
     */
    public record Output(Tensor allTokens, Tensor cls, Tensor attention) {}

    /** Forward with an optional mask {@code [N, H/cell, W/cell]} (nonzero = masked); attention on request. */
    public abstract Output forward(Tensor x, Tensor mask, boolean returnAttention);

    /** Forward without mask or attention. */
    public final Output forward(Tensor x) { return forward(x, null, false); }

    /** Forward with an optional mask. */
    public final Output forward(Tensor x, Tensor mask) { return forward(x, mask, false); }

    /** Token outputs of the last {@code n} blocks, as the reference's {@code get_intermediate_layers} (no mask). */
    public abstract List<Tensor> intermediateLayers(Tensor x, int n);

    /** Attention probabilities of the last block (no mask). */
    public abstract Tensor lastSelfAttention(Tensor x);

    /** Width {@code D} of the output tokens. */
    public abstract int embedDim();

    /** Attention heads of the last block. */
    public abstract int numHeads();

    /** Side of the input patches (the patch-embedding stride). */
    public abstract int patchSize();

    /** Pixels per output token side, also the mask cell: patch size (ViT), 8·patch size (Swin). */
    public abstract int tokenStride();

    /** Number of blocks over all stages. */
    public abstract int depth();

    /** Image side the model was built for (position table / window layout). */
    public abstract int imgSize();

    /** {@code masked_embed}, or null when built without the mask token. */
    public abstract Parameter maskedEmbed();

    /** Turns mask application on or off; needs the mask token to turn on. */
    public abstract Backbone setMaskedImModeling(boolean on);

    /** One line naming the architecture and its shape, for error messages and logs. */
    public abstract String describe();
}
