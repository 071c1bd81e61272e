package org.ibot4j.model;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Backbone + iBOT head over a list of crops (spec 5.2), registered as {@code backbone} and {@code head} so state
 * dicts read {@code backbone.blocks.0...} / {@code head.mlp.0...} like the reference's {@code MultiCropWrapper}.
 *
 * <p>Consecutive crops of equal width form one group, concatenated along the batch (crop-major) and run through
 * the backbone in one call, with the group's masks concatenated likewise. Outputs keep crop order: rows
 * {@code [crop0 images; crop1 images; ...]}. The training step calls it once for the global crops (with masks)
 * and once for the local crops via {@link #forwardCls} (CLS logits only, spec 11.25).
 */
public final class MultiCropWrapper extends Module {
    private final Backbone backbone;
    private final IbotHead head;

    public MultiCropWrapper(Backbone backbone, IbotHead head) {
        this.backbone = registerModule("backbone", backbone);
        this.head = registerModule("head", head);
        if (head.config().inDim() != backbone.embedDim())
            throw new IllegalArgumentException("head input width " + head.config().inDim() + " differs from the backbone's embed dim " + backbone.embedDim());
    }

    public Backbone backbone() { return backbone; }

    public IbotHead head() { return head; }

    /**
     * Backbone tokens {@code [ΣN, 1+P, D]} of all crops, then the head on every token: CLS logits {@code [ΣN, K]}
     * and patch logits {@code [ΣN, P, Kp]}. All groups must give the same token count (call separately otherwise).
     *
     * @param crops image batches {@code [N_i, C, H_i, W_i]}
     * @param masks null, or one mask {@code [N_i, H_i/p, W_i/p]} per crop (nonzero = masked)
     */
    public IbotHead.Output forward(List<Tensor> crops, List<Tensor> masks) {
        return head.forward(backboneTokens(crops, masks));
    }

    /** {@link #forward(List, List)} of one batch. */
    public IbotHead.Output forward(Tensor crop, Tensor mask) { return forward(List.of(crop), mask == null ? null : List.of(mask)); }

    /**
     * The training step's global-crop call: {@code [G·B, 3, S, S]} with masks {@code [G·B, h, w]}, the masks dropped
     * for a backbone without a mask token (the teacher), as the reference ignores them with MIM off.
     */
    public IbotHead.Output forwardGlobal(Tensor crops, Tensor masks) {
        return forward(crops, backbone.maskedEmbed() == null ? null : masks);
    }

    /** The training step's local-crop call: CLS logits {@code [L·B, K]}, no masks (spec 7.4, quirk 11.11). */
    public Tensor forwardLocalCls(Tensor crops) { return forwardCls(List.of(crops)); }

    /** CLS logits {@code [ΣN, K]} of crops without masks; groups of different resolutions may be mixed. */
    public Tensor forwardCls(List<Tensor> crops) {
        List<Tensor> cls = new ArrayList<>();
        forEachGroup(crops, null, (x, m) -> cls.add(backbone.forward(x, m).cls()));
        return head.forwardCls(cls.size() == 1 ? cls.get(0) : Tensor.concat(cls, 0));
    }

    /** The backbone's all-token outputs of every group, concatenated in crop order. */
    public Tensor backboneTokens(List<Tensor> crops, List<Tensor> masks) {
        List<Tensor> out = new ArrayList<>();
        forEachGroup(crops, masks, (x, m) -> {
            Tensor t = backbone.forward(x, m).allTokens();
            if (!out.isEmpty() && out.get(0).dim(1) != t.dim(1))
                throw new IllegalArgumentException("crop groups give " + out.get(0).dim(1) + " and " + t.dim(1)
                        + " tokens; run global and local crops in separate calls (or use forwardCls for locals)");
            out.add(t);
        });
        return out.size() == 1 ? out.get(0) : Tensor.concat(out, 0);
    }

    private interface GroupFn { void run(Tensor images, Tensor mask); }

    private static void forEachGroup(List<Tensor> crops, List<Tensor> masks, GroupFn fn) {
        if (crops == null || crops.isEmpty()) throw new IllegalArgumentException("no crops given");
        if (masks != null && masks.size() != crops.size())
            throw new IllegalArgumentException("got " + masks.size() + " masks for " + crops.size() + " crops");
        for (int i = 0; i < crops.size(); i++)
            if (crops.get(i).rank() != 4) throw new IllegalArgumentException("crop " + i + " must be [N, C, H, W], got " + crops.get(i).shape());
        int start = 0;
        while (start < crops.size()) {
            int end = start + 1, w = crops.get(start).dim(3);
            while (end < crops.size() && crops.get(end).dim(3) == w) end++;
            Tensor x = end - start == 1 ? crops.get(start) : Tensor.concat(crops.subList(start, end), 0);
            Tensor m = null;
            if (masks != null) m = end - start == 1 ? masks.get(start) : Tensor.concat(masks.subList(start, end), 0);
            fn.run(x, m);
            start = end;
        }
    }
}
