package org.ibot4j.model;

import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.PatchConv2d;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The ViT patch embedding: a conv with kernel = stride = patch, {@code [N,C,H,W] → [N,D,H/p,W/p]} (trailing
 * pixels dropped, like PyTorch). Its only child is {@code proj}, giving the reference keys
 * {@code patch_embed.proj.weight/bias}; the conv keeps PyTorch's default init.
 */
public final class PatchEmbed extends Module {
    private final PatchConv2d proj;
    private final int inChans, patch;

    public PatchEmbed(int inChans, int embedDim, int patch, Rng rng) {
        this.inChans = inChans;
        this.patch = patch;
        this.proj = registerModule("proj", new PatchConv2d(inChans, embedDim, patch, true, rng));
    }

    /** {@code x [N, C, H, W]} with H, W ≥ patch → {@code [N, D, H/p, W/p]}. */
    public Tensor forward(Tensor x) {
        if (x.rank() != 4)
            throw new IllegalArgumentException("ViT input must be [N, " + inChans + ", H, W], got rank " + x.rank() + " shape " + x.shape());
        if (x.dim(1) != inChans)
            throw new IllegalArgumentException("ViT input must have " + inChans + " channels (dim 1), got shape " + x.shape());
        if (x.dim(0) == 0) throw new IllegalArgumentException("ViT input batch is empty: " + x.shape());
        if (x.dim(2) < patch || x.dim(3) < patch)
            throw new IllegalArgumentException("image " + x.dim(2) + "x" + x.dim(3) + " is smaller than one " + patch + "-px patch");
        return proj.forward(x);
    }

    public PatchConv2d proj() { return proj; }

    public int patch() { return patch; }
}
