package org.ibot4j.model;

import java.util.List;

/**
 * Shape and regularisation of a {@link SwinTransformer} (spec 4.2). The reference defaults are image size 224,
 * patch 4, 3 input channels, MLP ratio 4, qkv bias on, LayerNorm eps 1e-6, no absolute position embedding;
 * {@code useMaskToken} adds {@code masked_embed [1, C]} for masked image modelling.
 *
 * <p>Any number of stages is allowed (the presets have four): stage {@code s} has width {@code C·2^s},
 * {@code depths[s]} blocks and {@code heads[s]} heads, and is built for the grid side {@code (imgSize/patch)/2^s}.
 * A patch merging layer follows every stage but the last.
 *
 * @param imgSize      side of the square image the window layout is decided from (the global crop size)
 * @param patchSize    side of a patch (conv kernel and stride)
 * @param inChans      input channels
 * @param embedDim     stage-0 width C
 * @param depths       blocks per stage
 * @param heads        attention heads per stage (each must divide that stage's width)
 * @param windowSize   the requested window side (stages whose grid is not larger use the grid side instead)
 * @param mlpRatio     MLP hidden width / stage width
 * @param qkvBias      whether the qkv projection has a bias
 * @param dropPathRate maximum stochastic-depth rate, linearly spaced over all blocks of all stages
 * @param eps          LayerNorm epsilon
 * @param useMaskToken whether the model owns {@code masked_embed [1, C]}
 */
public record SwinConfig(int imgSize, int patchSize, int inChans, int embedDim, List<Integer> depths, List<Integer> heads,
                         int windowSize, double mlpRatio, boolean qkvBias, float dropPathRate, float eps, boolean useMaskToken) {

    public SwinConfig {
        depths = List.copyOf(depths);
        heads = List.copyOf(heads);
        if (patchSize <= 0) throw new IllegalArgumentException("Swin patch size must be positive, got " + patchSize);
        if (inChans <= 0) throw new IllegalArgumentException("input channels must be positive, got " + inChans);
        if (embedDim <= 0) throw new IllegalArgumentException("Swin embed dim must be positive, got " + embedDim);
        if (depths.isEmpty() || depths.size() != heads.size())
            throw new IllegalArgumentException("Swin needs one depth and one head count per stage, got depths " + depths + " and heads " + heads);
        for (int s = 0; s < depths.size(); s++) {
            if (depths.get(s) <= 0 || heads.get(s) <= 0)
                throw new IllegalArgumentException("Swin stage " + s + " needs positive depth and heads, got " + depths.get(s) + " and " + heads.get(s));
            if ((embedDim << s) % heads.get(s) != 0)
                throw new IllegalArgumentException("Swin stage " + s + " width " + (embedDim << s) + " is not divisible by its " + heads.get(s) + " heads");
        }
        if (windowSize <= 0) throw new IllegalArgumentException("--window_size must be positive, got " + windowSize);
        if (imgSize < patchSize << (depths.size() - 1))
            throw new IllegalArgumentException("image size " + imgSize + " is smaller than one output token ("
                    + (patchSize << (depths.size() - 1)) + " px for patch " + patchSize + " and " + depths.size() + " stages)");
        if (!(mlpRatio > 0)) throw new IllegalArgumentException("mlp ratio must be positive, got " + mlpRatio);
        if (!(dropPathRate >= 0 && dropPathRate < 1)) throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + dropPathRate);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm eps must be > 0, got " + eps);
    }

    /** The reference defaults (224 px, patch 4, window 7, RGB, MLP ratio 4, qkv bias, eps 1e-6, no drop path, no mask token). */
    public static SwinConfig of(int embedDim, List<Integer> depths, List<Integer> heads) {
        return new SwinConfig(224, 4, 3, embedDim, depths, heads, 7, 4.0, true, 0f, 1e-6f, false);
    }

    public SwinConfig withImgSize(int v) { return new SwinConfig(v, patchSize, inChans, embedDim, depths, heads, windowSize, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken); }

    public SwinConfig withPatchSize(int v) { return new SwinConfig(imgSize, v, inChans, embedDim, depths, heads, windowSize, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken); }

    public SwinConfig withWindowSize(int v) { return new SwinConfig(imgSize, patchSize, inChans, embedDim, depths, heads, v, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken); }

    public SwinConfig withInChans(int v) { return new SwinConfig(imgSize, patchSize, v, embedDim, depths, heads, windowSize, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken); }

    public SwinConfig withDropPathRate(float v) { return new SwinConfig(imgSize, patchSize, inChans, embedDim, depths, heads, windowSize, mlpRatio, qkvBias, v, eps, useMaskToken); }

    public SwinConfig withMaskToken(boolean v) { return new SwinConfig(imgSize, patchSize, inChans, embedDim, depths, heads, windowSize, mlpRatio, qkvBias, dropPathRate, eps, v); }

    public SwinConfig withShape(int embedDim, List<Integer> depths, List<Integer> heads) {
        return new SwinConfig(imgSize, patchSize, inChans, embedDim, depths, heads, windowSize, mlpRatio, qkvBias, dropPathRate, eps, useMaskToken);
    }

    public int numStages() { return depths.size(); }

    /** Width of stage {@code s}: {@code C·2^s}. */
    public int stageDim(int s) { return embedDim << s; }

    /** Width of the output tokens: the last stage's. */
    public int numFeatures() { return stageDim(numStages() - 1); }

    /** Grid side stage {@code s} is built for: {@code (imgSize/patch) / 2^s} (floor at each merge, like the reference). */
    public int stageResolution(int s) {
        int r = imgSize / patchSize;
        for (int i = 0; i < s; i++) r = r / 2;
        return r;
    }

    /** Window side of stage {@code s}: the grid side when it is not larger than the window, else the window size. */
    public int stageWindow(int s) { return Math.min(windowSize, stageResolution(s)); }

    /** Cyclic shift of block {@code b} of stage {@code s}: 0 for even blocks or a whole-grid window, else {@code window/2}. */
    public int blockShift(int s, int b) {
        if (stageResolution(s) <= windowSize) return 0;
        return b % 2 == 0 ? 0 : windowSize / 2;
    }

    /** Blocks over all stages. */
    public int totalDepth() { return depths.stream().mapToInt(Integer::intValue).sum(); }

    /** Drop-path rate of block {@code i} counted over all stages ({@code torch.linspace(0, rate, total)}). */
    public float dropPathAt(int i) {
        int total = totalDepth();
        if (i < 0 || i >= total) throw new IndexOutOfBoundsException("block " + i + " of " + total);
        return total == 1 ? 0f : (float) (dropPathRate * (double) i / (total - 1));
    }

    /** Pixels per output token side and mask cell: {@code patch · 2^(stages−1)} (32 for Swin-T). */
    public int tokenStride() { return patchSize << (numStages() - 1); }

    public int mlpHidden(int s) { return (int) (stageDim(s) * mlpRatio); }

    /** Scalar parameters without building the model (spec 4.2 counts without the mask token). */
    public long parameterCount() {
        long c0 = embedDim;
        long n = c0 * inChans * (long) patchSize * patchSize + c0 + 2 * c0;   // conv + patch norm
        for (int s = 0; s < numStages(); s++) {
            long c = stageDim(s), h = mlpHidden(s), w = stageWindow(s);
            long perBlock = 2 * c + (2 * w - 1) * (2 * w - 1) * heads.get(s) + 3 * c * c + (qkvBias ? 3 * c : 0)
                    + c * c + c + 2 * c + h * c + h + c * h + c;
            n += perBlock * depths.get(s);
            if (s < numStages() - 1) n += 2 * 4 * c + 4 * c * 2 * c;          // merge norm + reduction
        }
        n += 2L * numFeatures();
        return n + (useMaskToken ? c0 : 0);
    }
}
