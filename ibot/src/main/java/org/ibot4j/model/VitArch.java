package org.ibot4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ViT presets of spec 4.1 ({@code --arch}): width, depth and heads; everything else is the reference
 * default of {@link VitConfig#of}. {@code deit_tiny}/{@code deit_small} are aliases of the ViT of the same
 * size (the reference rewrites {@code deit} to {@code vit}).
 */
public enum VitArch {
    VIT_TINY(192, 12, 3),
    VIT_SMALL(384, 12, 6),
    VIT_BASE(768, 12, 12),
    VIT_LARGE(1024, 24, 16);

    private final int embedDim, depth, numHeads;

    VitArch(int embedDim, int depth, int numHeads) {
        this.embedDim = embedDim;
        this.depth = depth;
        this.numHeads = numHeads;
    }

    /** The CLI name, e.g. {@code vit_small}. */
    public String archName() { return name().toLowerCase(Locale.ROOT); }

    public int embedDim() { return embedDim; }

    public int depth() { return depth; }

    public int numHeads() { return numHeads; }

    /** This preset at 224 px, patch 16, without mask token or drop path. */
    public VitConfig config() { return VitConfig.of(embedDim, depth, numHeads); }

    /** Every accepted name: the ViT presets and their {@code deit_} aliases. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (VitArch a : values()) out.add(a.archName());
        out.add("deit_tiny");
        out.add("deit_small");
        return out;
    }

    /** The preset called {@code name} ({@code vit_*} or {@code deit_tiny/deit_small}); the error lists the valid names. */
    public static VitArch of(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.equals("deit_tiny") || n.equals("deit_small")) n = n.replace("deit", "vit");
            for (VitArch a : values()) if (a.archName().equals(n)) return a;
        }
        throw new IllegalArgumentException("unknown ViT architecture '" + name + "'; valid: " + String.join(", ", names()));
    }

    /**
     * The config for {@code --arch name --patch_size patch} with optional {@code --embed_dim/--depth/--num_heads}
     * overrides (null keeps the preset's value).
     */
    public static VitConfig config(String name, int patchSize, Integer embedDim, Integer depth, Integer numHeads) {
        return of(name).config().withPatchSize(patchSize).withShape(embedDim, depth, numHeads);
    }
}
