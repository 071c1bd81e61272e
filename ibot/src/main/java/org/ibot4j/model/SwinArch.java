package org.ibot4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Swin presets of spec 4.2 ({@code --arch}) with their student drop-path defaults, plus {@code swin_mini},
 * an ibot4j extension for laptop-sized runs (C 32, two stages of 2 blocks, heads 2/4: with patch 2 a 32-px crop
 * becomes an 8×8 token grid).
 */
public enum SwinArch {
    SWIN_TINY(96, List.of(2, 2, 6, 2), List.of(3, 6, 12, 24), 0.1f),
    SWIN_SMALL(96, List.of(2, 2, 18, 2), List.of(3, 6, 12, 24), 0.2f),
    SWIN_BASE(128, List.of(2, 2, 18, 2), List.of(4, 8, 16, 32), 0.2f),
    SWIN_LARGE(192, List.of(2, 2, 18, 2), List.of(6, 12, 24, 48), 0.2f),
    SWIN_MINI(32, List.of(2, 2), List.of(2, 4), 0.1f);

    private final int embedDim;
    private final List<Integer> depths, heads;
    private final float defaultDropPath;

    SwinArch(int embedDim, List<Integer> depths, List<Integer> heads, float defaultDropPath) {
        this.embedDim = embedDim;
        this.depths = depths;
        this.heads = heads;
        this.defaultDropPath = defaultDropPath;
    }

    /** The CLI name, e.g. {@code swin_tiny}. */
    public String archName() { return name().toLowerCase(Locale.ROOT); }

    /** The student's maximum drop-path rate (the {@code --drop_path} flag is not passed to Swin, spec 4.2). */
    public float defaultDropPath() { return defaultDropPath; }

    /** This preset at 224 px, patch 4, window 7, without mask token or drop path. */
    public SwinConfig config() { return SwinConfig.of(embedDim, depths, heads); }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (SwinArch a : values()) out.add(a.archName());
        return out;
    }

    /** The preset called {@code name}; the error lists the valid names. */
    public static SwinArch of(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (SwinArch a : values()) if (a.archName().equals(n)) return a;
        }
        throw new IllegalArgumentException("unknown Swin architecture '" + name + "'; valid: " + String.join(", ", names()));
    }

    /**
     * The config for {@code --arch name --patch_size p --window_size w} with optional overrides: {@code embedDim}
     * sets C, {@code numHeads} the stage-0 heads (doubled per stage as in every preset), {@code depth} the
     * blocks of every stage. Null keeps the preset's value.
     */
    public static SwinConfig config(String name, int patchSize, int windowSize, Integer embedDim, Integer depth, Integer numHeads) {
        SwinArch a = of(name);
        List<Integer> d = a.depths, h = a.heads;
        if (depth != null) { List<Integer> dd = new ArrayList<>(); for (int i = 0; i < d.size(); i++) dd.add(depth); d = dd; }
        if (numHeads != null) { List<Integer> hh = new ArrayList<>(); for (int i = 0; i < h.size(); i++) hh.add(numHeads << i); h = hh; }
        return a.config().withPatchSize(patchSize).withWindowSize(windowSize).withShape(embedDim != null ? embedDim : a.embedDim, d, h);
    }
}
