package org.ibot4j.model;

import org.ibot4j.runtime.nn.LayerNorm;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.PatchConv2d;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The Swin patch embedding (spec 4.2 step 1): a conv with kernel = stride = patch, {@code 3 → C}, with bias, then
 * LayerNorm over channels. Children {@code proj} and {@code norm} give the keys {@code patch_embed.proj.*},
 * {@code patch_embed.norm.*}.
 */
public final class SwinPatchEmbed extends Module {
    /** Normalised tokens {@code [N, gh·gw, C]} row-major over the {@code gh×gw} patch grid. */
    public record Tokens(Tensor x, int gh, int gw) {}

    private final PatchConv2d proj;
    private final LayerNorm norm;
    private final int inChans, patch;

    public SwinPatchEmbed(int inChans, int embedDim, int patch, float eps, Rng rng) {
        this.inChans = inChans;
        this.patch = patch;
        this.proj = registerModule("proj", new PatchConv2d(inChans, embedDim, patch, true, rng));
        this.norm = registerModule("norm", new LayerNorm(embedDim, eps));
    }

    /** {@code x [N, C_in, H, W]} → normalised tokens over the {@code (H/p)×(W/p)} grid. */
    public Tokens forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != inChans)
            throw new IllegalArgumentException("Swin input must be [N, " + inChans + ", H, W], got " + x.shape());
        if (x.dim(0) == 0) throw new IllegalArgumentException("Swin input batch is empty: " + x.shape());
        if (x.dim(2) < patch || x.dim(3) < patch)
            throw new IllegalArgumentException("image " + x.dim(2) + "x" + x.dim(3) + " is smaller than one " + patch + "-px patch");
        Tensor pe = proj.forward(x);                                  // [N, C, gh, gw]
        int gh = pe.dim(2), gw = pe.dim(3);
        return new Tokens(norm.forward(pe.flatten(2, 3).transpose(1, 2)), gh, gw);
    }

    public PatchConv2d proj() { return proj; }

    public LayerNorm norm() { return norm; }
}
