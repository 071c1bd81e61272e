package org.ibot4j.model;

import java.util.Locale;

/**
 * What {@code --arch} and its companion flags ask for: the architecture name, patch size, Swin window size,
 * optional width/depth/heads overrides (null keeps the preset), the image side the model is built for (ViT
 * position table, Swin window layout), the maximum drop-path rate and whether the mask token exists.
 */
public record BackboneSpec(String arch, int patchSize, int windowSize, Integer embedDim, Integer depth, Integer numHeads,
                           int imgSize, float dropPath, boolean maskToken) {
    public BackboneSpec {
        if (arch == null || arch.isBlank()) throw new IllegalArgumentException("--arch must name an architecture");
        arch = arch.trim().toLowerCase(Locale.ROOT);
        if (patchSize < 1) throw new IllegalArgumentException("--patch_size must be >= 1, got " + patchSize);
        if (windowSize < 1) throw new IllegalArgumentException("--window_size must be >= 1, got " + windowSize);
        if (imgSize < patchSize) throw new IllegalArgumentException("image size " + imgSize + " is smaller than the patch size " + patchSize);
        if (!(dropPath >= 0 && dropPath < 1)) throw new IllegalArgumentException("drop path rate must be in [0, 1), got " + dropPath);
    }

    /** {@code arch} with the reference defaults: image 224, window 7, no drop path, no mask token. */
    public static BackboneSpec of(String arch, int patchSize) { return new BackboneSpec(arch, patchSize, 7, null, null, null, 224, 0f, false); }

    /** True for the Swin family ({@code swin_*}). */
    public boolean isSwin() { return arch.startsWith("swin"); }

    public BackboneSpec withImgSize(int v) { return new BackboneSpec(arch, patchSize, windowSize, embedDim, depth, numHeads, v, dropPath, maskToken); }

    public BackboneSpec withDropPath(float v) { return new BackboneSpec(arch, patchSize, windowSize, embedDim, depth, numHeads, imgSize, v, maskToken); }

    public BackboneSpec withMaskToken(boolean v) { return new BackboneSpec(arch, patchSize, windowSize, embedDim, depth, numHeads, imgSize, dropPath, v); }

    public BackboneSpec withWindowSize(int v) { return new BackboneSpec(arch, patchSize, v, embedDim, depth, numHeads, imgSize, dropPath, maskToken); }

    /** The ViT config this spec describes (fails for Swin). */
    public VitConfig vitConfig() {
        if (isSwin()) throw new IllegalStateException(arch + " is not a ViT");
        return VitArch.config(arch, patchSize, embedDim, depth, numHeads).withImgSize(imgSize).withDropPathRate(dropPath).withMaskToken(maskToken);
    }
}
