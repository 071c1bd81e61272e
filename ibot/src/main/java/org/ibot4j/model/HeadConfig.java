package org.ibot4j.model;

import java.util.Locale;

/**
 * Shape and options of an {@link IbotHead} (spec 5.1), named like the reference's {@code iBOTHead} arguments.
 *
 * @param inDim         width of the backbone tokens ({@code embed_dim})
 * @param outDim        CLS logits {@code K} ({@code out_dim})
 * @param patchOutDim   patch logits of a separate patch layer ({@code patch_out_dim}); ignored when {@code sharedHead}
 * @param nlayers       MLP Linears (≥ 1); 1 means a single {@code Linear(in, bottleneck)} named {@code mlp}
 * @param hiddenDim     MLP hidden width
 * @param bottleneckDim width of the L2-normalised bottleneck (> 0)
 * @param act           hidden activation: {@code "gelu"} (exact erf) or {@code "relu"}
 * @param norm          hidden norm: {@code null}/{@code "none"} or {@code "ln"} (LayerNorm, eps 1e-5); batch norms are not supported
 * @param normLastLayer freeze the weight-norm gains {@code g} at 1 (logits are cosine similarities)
 * @param sharedHead    the patch branch uses the CLS {@code last_layer} itself (so patch logits have {@code outDim})
 */
public record HeadConfig(int inDim, int outDim, int patchOutDim, int nlayers, int hiddenDim, int bottleneckDim,
                         String act, String norm, boolean normLastLayer, boolean sharedHead) {
    public HeadConfig {
        if (inDim <= 0 || outDim <= 0 || patchOutDim <= 0)
            throw new IllegalArgumentException("head dims must be positive, got in=" + inDim + " out=" + outDim + " patch_out=" + patchOutDim);
        if (nlayers < 1) throw new IllegalArgumentException("head needs nlayers >= 1, got " + nlayers);
        if (hiddenDim <= 0 || bottleneckDim <= 0)
            throw new IllegalArgumentException("head hidden and bottleneck dims must be positive, got hidden=" + hiddenDim + " bottleneck=" + bottleneckDim);
        act = act == null ? "gelu" : act.toLowerCase(Locale.ROOT);
        if (!act.equals("gelu") && !act.equals("relu"))
            throw new IllegalArgumentException("head activation must be gelu or relu, got '" + act + "'");
        norm = norm == null ? null : norm.toLowerCase(Locale.ROOT);
        if (norm != null && norm.equals("none")) norm = null;
        if (norm != null && !norm.equals("ln"))
            throw new IllegalArgumentException("head norm must be none or ln, got '" + norm + "' (batch norms are not supported)");
    }

    /** The reference defaults: 3 layers, hidden 2048, bottleneck 256, GELU, no norm, {@code patchOutDim = outDim}. */
    public static HeadConfig of(int inDim, int outDim, boolean normLastLayer, boolean sharedHead) {
        return new HeadConfig(inDim, outDim, outDim, 3, 2048, 256, "gelu", null, normLastLayer, sharedHead);
    }

    /** Width of the patch logits: {@code outDim} with a shared head, else {@code patchOutDim}. */
    public int effectivePatchDim() { return sharedHead ? outDim : patchOutDim; }

    public HeadConfig withPatchOutDim(int v) { return new HeadConfig(inDim, outDim, v, nlayers, hiddenDim, bottleneckDim, act, norm, normLastLayer, sharedHead); }

    public HeadConfig withMlp(int nlayers, int hiddenDim, int bottleneckDim) {
        return new HeadConfig(inDim, outDim, patchOutDim, nlayers, hiddenDim, bottleneckDim, act, norm, normLastLayer, sharedHead);
    }

    public HeadConfig withAct(String v) { return new HeadConfig(inDim, outDim, patchOutDim, nlayers, hiddenDim, bottleneckDim, v, norm, normLastLayer, sharedHead); }

    public HeadConfig withNorm(String v) { return new HeadConfig(inDim, outDim, patchOutDim, nlayers, hiddenDim, bottleneckDim, act, v, normLastLayer, sharedHead); }

    public HeadConfig withNormLastLayer(boolean v) { return new HeadConfig(inDim, outDim, patchOutDim, nlayers, hiddenDim, bottleneckDim, act, norm, v, sharedHead); }

    public HeadConfig withSharedHead(boolean v) { return new HeadConfig(inDim, outDim, patchOutDim, nlayers, hiddenDim, bottleneckDim, act, norm, normLastLayer, v); }
}
