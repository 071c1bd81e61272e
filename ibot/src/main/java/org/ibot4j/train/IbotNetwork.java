package org.ibot4j.train;

import org.ibot4j.model.IbotHead;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * A backbone and its iBOT head under the reference's names ({@code backbone.…}, {@code head.…}), as the
 * student or the teacher of a run. Global crops go through the backbone (with masks for the student) and
 * the full head; local crops give CLS logits only, with masked image modelling off for that call (spec 7.4).
 */
public final class IbotNetwork extends Module {
    private final VisionTransformer backbone;
    private final IbotHead head;

    public IbotNetwork(VisionTransformer backbone, IbotHead head) {
        this.backbone = registerModule("backbone", backbone);
        this.head = registerModule("head", head);
    }

    public VisionTransformer backbone() { return backbone; }

    public IbotHead head() { return head; }

    /**
     * Head outputs for global crops {@code [G·B, 3, S, S]} with optional masks {@code [G·B, h, w]} (ignored by a
     * backbone without a mask token, as the reference ignores them with masked image modelling off).
     */
    public IbotHead.Output forwardGlobal(Tensor crops, Tensor masks) {
        return head.forward(backbone.forward(crops, backbone.maskedEmbed() == null ? null : masks).allTokens());
    }

    /** CLS logits {@code [L·B, K]} of local crops, masked image modelling switched off for the call. */
    public Tensor forwardLocalCls(Tensor crops) {
        boolean mim = backbone.maskedImModeling();
        backbone.setMaskedImModeling(false);
        try {
            return head.forwardCls(backbone.forward(crops).cls());
        } finally {
            backbone.setMaskedImModeling(mim);
        }
    }
}
