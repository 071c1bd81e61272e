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

    private static final List<String> SWIN_NAMES = SwinArch.names();

    /** A model with the reference init drawn from {@code rng}. */
    public static Backbone create(BackboneSpec spec, Rng rng) {
        if (spec.isSwin()) return new SwinTransformer(swinConfig(spec), rng);
        VitArch.of(spec.arch());  // names the valid architectures on a typo
        return new VisionTransformer(spec.vitConfig(), rng);
    }

    /** A model whose every weight is about to come from a strict checkpoint load (skips the init pass). */
    public static Backbone forLoading(BackboneSpec spec) {
        if (spec.isSwin()) return SwinTransformer.forLoading(swinConfig(spec));
        VitArch.of(spec.arch());
        return VisionTransformer.forLoading(spec.vitConfig());
    }

    /**
     * The spec adjusted to a checkpoint's backbone shapes: a ViT is built for the grid of the stored position
     * table (so it is used as is at that size and resampled in the forward pass for others); a Swin takes its
     * window size from the first block's bias table ({@code (2w−1)²} rows) and its patch size from the patch conv.
     */
    public static BackboneSpec fitToCheckpoint(BackboneSpec spec, Map<String, Shape> state) {
        if (spec.isSwin()) return fitSwin(spec, state);
        Shape pos = state.get("pos_embed");
        if (pos != null && pos.rank() == 3 && pos.dim(1) > 1) {
            int side = (int) Math.round(Math.sqrt(pos.dim(1) - 1));
            if (side * side == pos.dim(1) - 1) return spec.withImgSize(side * spec.patchSize());
        }
        return spec;
    }

    /** The Swin config a spec describes: the preset with its overrides, built for {@code imgSize} (spec 4.2). */
    public static SwinConfig swinConfig(BackboneSpec spec) {
        if (!spec.isSwin()) throw new IllegalStateException(spec.arch() + " is not a Swin");
        return SwinArch.config(spec.arch(), spec.patchSize(), spec.windowSize(), spec.embedDim(), spec.depth(), spec.numHeads())
                .withImgSize(spec.imgSize()).withDropPathRate(spec.dropPath()).withMaskToken(spec.maskToken());
    }

    /**
     * The student's maximum drop-path rate: {@code --drop_path} for a ViT, the per-arch default for Swin (which the
     * reference does not pass the flag to, spec 4.2).
     */
    public static float studentDropPath(String arch, double flag) {
        return arch.trim().toLowerCase(java.util.Locale.ROOT).startsWith("swin") ? SwinArch.of(arch).defaultDropPath() : (float) flag;
    }

    private static BackboneSpec fitSwin(BackboneSpec spec, Map<String, Shape> state) {
        Shape table = state.get("layers.0.blocks.0.attn.relative_position_bias_table");
        if (table != null && table.rank() == 2) {
            int side = (int) Math.round(Math.sqrt(table.dim(0)));
            if (side * side == table.dim(0) && side % 2 == 1) {
                int w = (side + 1) / 2;
                Shape conv = state.get("patch_embed.proj.weight");
                int p = conv != null && conv.rank() == 4 ? conv.dim(3) : spec.patchSize();
                // stage 0 uses min(window, grid): a table smaller than the window means the grid was the limit
                BackboneSpec fitted = new BackboneSpec(spec.arch(), p, spec.windowSize(), spec.embedDim(), spec.depth(), spec.numHeads(),
                        spec.imgSize(), spec.dropPath(), spec.maskToken());
                if (w != swinConfig(fitted).stageWindow(0)) fitted = fitted.withWindowSize(w);
                return fitted;
            }
        }
        return spec;
    }
}
