package org.ibot4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Shape;

/** Builds the backbone a {@link BackboneSpec} names: ViT presets (spec 4.1) or Swin (spec 4.2). */
public final class Backbones {
    private Backbones() {}

    /** Every accepted {@code --arch} name. */
    public static List<String> names() {
        List<String> out = new ArrayList<>(VitArch.names());
        out.addAll(SWIN_NAMES);
        return out;
    }

    private static final List<String> SWIN_NAMES = List.of();

    /** A model with the reference init drawn from {@code rng}. */
    public static Backbone create(BackboneSpec spec, Rng rng) {
        if (spec.isSwin()) throw unsupported(spec);
        VitArch.of(spec.arch());  // names the valid architectures on a typo
        return new VisionTransformer(spec.vitConfig(), rng);
    }

    /** A model whose every weight is about to come from a strict checkpoint load (skips the init pass). */
    public static Backbone forLoading(BackboneSpec spec) {
        if (spec.isSwin()) throw unsupported(spec);
        VitArch.of(spec.arch());
        return VisionTransformer.forLoading(spec.vitConfig());
    }

    /**
     * The spec adjusted to a checkpoint's backbone shapes: a ViT is built for the grid of the stored position
     * table (so it is used as is at that size and resampled in the forward pass for others).
     */
    public static BackboneSpec fitToCheckpoint(BackboneSpec spec, Map<String, Shape> state) {
        if (spec.isSwin()) return spec;
        Shape pos = state.get("pos_embed");
        if (pos != null && pos.rank() == 3 && pos.dim(1) > 1) {
            int side = (int) Math.round(Math.sqrt(pos.dim(1) - 1));
            if (side * side == pos.dim(1) - 1) return spec.withImgSize(side * spec.patchSize());
        }
        return spec;
    }

    private static IllegalArgumentException unsupported(BackboneSpec spec) {
        return new IllegalArgumentException("unknown architecture '" + spec.arch() + "'; valid: " + String.join(", ", names()));
    }
}
