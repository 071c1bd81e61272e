package org.ibot4j.model;

import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.ModuleList;
import org.ibot4j.runtime.random.Rng;

/**
 * One Swin stage (the reference's {@code BasicLayer}): {@code blocks} with alternating shifts, then an optional
 * {@code downsample} patch merging. Keys {@code layers.s.blocks.b.*}, {@code layers.s.downsample.*}.
 */
public final class SwinStage extends Module {
    private final ModuleList<SwinBlock> blocks;
    private final PatchMerging downsample;

    /** Stage {@code s} of {@code config}; its first block is block {@code firstBlock} over all stages (drop-path rate). */
    SwinStage(SwinConfig config, int s, int firstBlock, Rng rng) {
        int dim = config.stageDim(s), window = config.stageWindow(s);
        this.blocks = registerModule("blocks", new ModuleList<>());
        for (int b = 0; b < config.depths().get(s); b++)
            blocks.add(new SwinBlock(dim, config.heads().get(s), window, config.blockShift(s, b), config.mlpRatio(), config.qkvBias(),
                    config.dropPathAt(firstBlock + b), config.eps(), rng));
        this.downsample = s < config.numStages() - 1 ? registerModule("downsample", new PatchMerging(dim, config.eps(), rng)) : null;
    }

    public ModuleList<SwinBlock> blocks() { return blocks; }

    /** The patch merging after this stage, or null for the last stage. */
    public PatchMerging downsample() { return downsample; }
}
