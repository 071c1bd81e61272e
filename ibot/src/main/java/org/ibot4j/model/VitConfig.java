package org.ibot4j.model;

/**
 * Shape and regularisation of a {@link VisionTransformer} (spec 4.1). The reference defaults are image size
 * 224, patch 16, 3 input channels, MLP ratio 4, qkv bias on, LayerNorm eps 1e-6; {@code useMaskToken} adds
 * the learnable {@code masked_embed} the iBOT student needs for masked image modelling.
 *
 * @param imgSize       side of the square image the position table is made for (table grid {@code imgSize / patchSize})
 * @param patchSize     side of a square patch (conv kernel and stride)
 * @param inChans       input channels
 * @param embedDim      token width D
 * @param depth         number of transformer blocks
 * @param numHeads      attention heads (must divide {@code embedDim})
 * @param mlpRatio      MLP hidden width / D
 * @param qkvBias       whether the qkv projection has a bias
 * @param dropPathRate  maximum stochastic-depth rate (block i gets {@code rate·i/(depth−1)})
 * @param eps           LayerNorm epsilon
 * @param useMaskToken  whether the model owns {@code masked_embed [1, D]}
 */
public record VitConfig(int imgSize, int patchSize, int inChans, int embedDim, int depth, int numHeads,
                        double mlpRatio, boolean qkvBias, float dropPathRate, float eps, boolean useMaskToken) {

    public VitConfig {
        if (patchSize <= 0) throw new IllegalArgumentException("patch size must be positive, got " + patchSize);
        if (imgSize < patchSize) throw new IllegalArgumentException("image size " + imgSize + " is smaller than the patch size " + patchSize);
        if (inChans <= 0) throw new IllegalArgumentException("input channels must be positive, got " + inChans);
        if (embedDim <= 0 || depth <= 0 || numHeads <= 0)
            throw new IllegalArgumentException("embed_dim, depth and num_heads must be positive, got " + embedDim + ", " + depth + ", " + numHeads);
        if (embedDim % numHeads != 0)
            throw new IllegalArgumentException("embed_dim " + embedDim + " is not divisible by num_heads " + numHeads);
        if (!(mlpRatio > 0)) throw new IllegalArgumentException("mlp ratio must be positive, got " + mlpRatio);
        if (!(dropPathRate >= 0 && dropPathRate < 1)) throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + dropPathRate);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm eps must be > 0, got " + eps);
    }

    /** The reference defaults (224 px, patch 16, RGB, MLP ratio 4, qkv bias, eps 1e-6, no drop path, no mask token). */
    public static VitConfig of(int embedDim, int depth, int numHeads) {
        return new VitConfig(224, 16, 3, embedDim, depth, numHeads, 4.0, true, 0f, 1e-6f, false);
    }

    public VitConfig withImgSize(int v) { return new VitConfig(v, patchSize, inChans, embedDim, depth, numHeads, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken); }

    public VitConfig withPatchSize(int v) { return new VitConfig(imgSize, v, inChans, embedDim, depth, numHeads, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken); }

    public VitConfig withDropPathRate(float v) { return new VitConfig(imgSize, patchSize, inChans, embedDim, depth, numHeads, mlpRatio, qkvBias, v, eps, useMaskToken); }

    public VitConfig withMaskToken(boolean v) { return new VitConfig(imgSize, patchSize, inChans, embedDim, depth, numHeads, mlpRatio, qkvBias, dropPathRate, eps, v); }

    /** Overrides of width, depth and heads ({@code --embed_dim/--depth/--num_heads}); a null keeps the current value. */
    public VitConfig withShape(Integer embedDim, Integer depth, Integer numHeads) {
        return new VitConfig(imgSize, patchSize, inChans, embedDim != null ? embedDim : this.embedDim, depth != null ? depth : this.depth,
                numHeads != null ? numHeads : this.numHeads, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken);
    }

    /** Side of the position-embedding grid: {@code imgSize / patchSize} (floor, as the reference). */
    public int gridSize() { return imgSize / patchSize; }

    /** Patch tokens of the stored position table: {@code gridSize²}. */
    public int numPatches() { return gridSize() * gridSize(); }

    /** MLP hidden width {@code (int)(D · mlpRatio)}. */
    public int mlpHidden() { return (int) (embedDim * mlpRatio); }

    /** Stochastic-depth rate of block {@code i}: {@code rate·i/(depth−1)} ({@code torch.linspace(0, rate, depth)}). */
    public float dropPathAt(int i) {
        if (i < 0 || i >= depth) throw new IndexOutOfBoundsException("block " + i + " of " + depth);
        return depth == 1 ? 0f : (float) (dropPathRate * (double) i / (depth - 1));
    }

    /**
     * Number of scalar parameters the model has, computed without building it (spec 4.1's table counts it
     * without the mask token: pass a config with {@code useMaskToken=false} for those figures).
     */
    public long parameterCount() {
        long d = embedDim, h = mlpHidden();
        long patch = d * inChans * (long) patchSize * patchSize + d;
        long perBlock = 2 * d                                  // norm1
                + 3 * d * d + (qkvBias ? 3 * d : 0)            // qkv
                + d * d + d                                    // proj
                + 2 * d                                        // norm2
                + h * d + h                                    // fc1
                + d * h + d;                                   // fc2
        return patch + d /* cls */ + (1L + numPatches()) * d /* pos */ + depth * perBlock + 2 * d /* norm */
                + (useMaskToken ? d : 0);
    }
}
