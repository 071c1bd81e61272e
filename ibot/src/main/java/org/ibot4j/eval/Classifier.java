package org.ibot4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.nn.Linear;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The fine-tuning model (spec 9.4): a backbone and a {@code Linear(D, classes)} classifier on its final-normed
 * CLS token ({@link Backbone.Output#cls()}; the pseudo-CLS mean for Swin). Its reference state dict has the
 * backbone's own names ({@code cls_token}, {@code blocks.0.…}) followed by {@code head.weight} and
 * {@code head.bias}, as the reference fine-tuning model (a ViT with its head inside) saves them.
 */
public final class Classifier extends Module {
    /** The reference init scale of the classifier (BEiT {@code init_scale}). */
    public static final double HEAD_INIT_SCALE = 0.001;

    private final Backbone backbone;
    private final Linear head;

    /**
     * {@code backbone} with a new head of {@code numClasses} outputs: weight trunc-normal(0.02) then ×0.001, bias
     * 0 (×0.001), drawn from {@code rng}.
     */
    public Classifier(Backbone backbone, int numClasses, Rng rng) {
        if (numClasses < 1) throw new IllegalArgumentException("the classifier needs at least one class, got " + numClasses);
        this.backbone = registerModule("backbone", backbone);
        this.head = registerModule("head", new Linear(backbone.embedDim(), numClasses, true, rng));
        head.initTruncNormal(0.02, rng);
        try (var ng = GradMode.noGrad()) {
            head.weight().tensor().mulInPlace((float) HEAD_INIT_SCALE);
            head.bias().tensor().mulInPlace((float) HEAD_INIT_SCALE);
        }
    }

    /** Logits {@code [N, classes]} of images {@code [N, 3, H, W]}. */
    public Tensor forward(Tensor x) { return head.forward(backbone.forward(x).cls()); }

    public Backbone backbone() { return backbone; }

    public Linear head() { return head; }

    public int numClasses() { return head.outFeatures(); }

    /** Trainable tensors by reference name (backbone names, then {@code head.weight}, {@code head.bias}). */
    public LinkedHashMap<String, Tensor> referenceParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>(backbone.trainableTensors());
        head.trainableTensors().forEach((k, v) -> out.put("head." + k, v));
        return out;
    }

    /** The state dict under reference names (live tensors). */
    public LinkedHashMap<String, Tensor> referenceState() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>(backbone.stateDict());
        head.stateDict().forEach((k, v) -> out.put("head." + k, v));
        return out;
    }

    /** Strictly loads a {@link #referenceState()}-named dict in place. */
    public void loadReferenceState(Map<String, Tensor> state) {
        LinkedHashMap<String, Tensor> b = new LinkedHashMap<>(), h = new LinkedHashMap<>();
        state.forEach((k, v) -> { if (k.startsWith("head.")) h.put(k.substring(5), v); else b.put(k, v); });
        try (var ng = GradMode.noGrad()) {
            backbone.loadStateDict(b, true);
            head.loadStateDict(h, true);
        }
    }
}
