package org.ibot4j.model;

import java.util.List;
import org.ibot4j.runtime.nn.LayerNorm;
import org.ibot4j.runtime.nn.Linear;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Swin patch merging (spec 4.2): {@code [N, H·W, c] → [N, ⌈H/2⌉·⌈W/2⌉, 2c]}. Odd sides are zero-padded; the four
 * 2×2 sub-grids are concatenated along channels in the order (even row, even col), (odd row, even col),
 * (even row, odd col), (odd row, odd col); then {@code norm = LayerNorm(4c)} and {@code reduction = Linear(4c, 2c)}
 * without bias.
 */
public final class PatchMerging extends Module {
    private final int dim;
    private final LayerNorm norm;
    private final Linear reduction;

    public PatchMerging(int dim, float eps, Rng rng) {
        this.dim = dim;
        this.reduction = registerModule("reduction", new Linear(4 * dim, 2 * dim, false, rng));
        this.norm = registerModule("norm", new LayerNorm(4 * dim, eps));
    }

    /** {@code x [N, h·w, c]} over an {@code h×w} grid. */
    public Tensor forward(Tensor x, int h, int w) {
        if (x.rank() != 3 || x.dim(1) != h * w || x.dim(2) != dim)
            throw new IllegalArgumentException("patch merging (dim " + dim + ") expects [N, " + h + "·" + w + ", " + dim + "], got " + x.shape());
        int n = x.dim(0);
        Tensor t = SwinWindows.padBottomRight(x.reshape(n, h, w, dim), h + h % 2, w + w % 2);
        Tensor x0 = t.slice(1, 0, t.dim(1), 2).slice(2, 0, t.dim(2), 2);
        Tensor x1 = t.slice(1, 1, t.dim(1), 2).slice(2, 0, t.dim(2), 2);
        Tensor x2 = t.slice(1, 0, t.dim(1), 2).slice(2, 1, t.dim(2), 2);
        Tensor x3 = t.slice(1, 1, t.dim(1), 2).slice(2, 1, t.dim(2), 2);
        int oh = t.dim(1) / 2, ow = t.dim(2) / 2;
        Tensor cat = Tensor.concat(List.of(x0, x1, x2, x3), 3).reshape(n, oh * ow, 4 * dim);
        return reduction.forward(norm.forward(cat));
    }

    public LayerNorm norm() { return norm; }

    public Linear reduction() { return reduction; }
}
