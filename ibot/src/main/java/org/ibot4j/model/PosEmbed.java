package org.ibot4j.model;

import java.util.List;
import org.ibot4j.runtime.ops.Interpolate;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Position-embedding table resampling (spec 4.1.1): the patch part of {@code [1, 1+s², D]} is viewed as a
 * D-channel {@code s×s} image and resampled bicubically with the scale factors {@code (g+0.1)/s} handed to
 * the kernel as is (the reference's "+0.1" trick, not a size-based resize); the CLS row is kept untouched.
 * Differentiable (the table is a parameter in forward passes).
 */
public final class PosEmbed {
    private PosEmbed() {}

    /**
     * The reference's test: the stored table is used as is when the input grid has as many patches as the
     * table ({@code gh·gw == s²}) and the image is square in pixels ({@code imgH == imgW}); otherwise it is
     * resampled, even when only the pixel sizes differ.
     */
    public static boolean needsResize(int tablePatches, int gh, int gw, int imgH, int imgW) {
        return !(gh * gw == tablePatches && imgH == imgW);
    }

    /** Side {@code s} of the table's square patch grid; fails when {@code [1, 1+P, D]} has no square P. */
    public static int tableSide(Tensor posEmbed) {
        if (posEmbed.rank() != 3 || posEmbed.dim(0) != 1 || posEmbed.dim(1) < 2)
            throw new IllegalArgumentException("pos_embed must be [1, 1+P, D] with P >= 1, got " + posEmbed.shape());
        int p = posEmbed.dim(1) - 1;
        int s = (int) Math.round(Math.sqrt(p));
        if (s * s != p) throw new IllegalArgumentException("pos_embed has " + p + " patch positions, not a square grid: " + posEmbed.shape());
        return s;
    }

    /** {@code [1, 1+s², D] → [1, 1+gh·gw, D]} by bicubic resampling with scales {@code (gh+0.1)/s}, {@code (gw+0.1)/s}. */
    public static Tensor resize(Tensor posEmbed, int gh, int gw) {
        if (gh <= 0 || gw <= 0) throw new IllegalArgumentException("target grid must be positive, got " + gh + "x" + gw);
        int s = tableSide(posEmbed);
        int d = posEmbed.dim(2);
        Tensor cls = posEmbed.slice(1, 0, 1);
        Tensor grid = posEmbed.slice(1, 1, 1 + s * s).reshape(1, s, s, d).permute(0, 3, 1, 2);
        Tensor r = Interpolate.bicubic(grid, (gh + 0.1) / s, (gw + 0.1) / s);
        if (r.dim(2) != gh || r.dim(3) != gw)
            throw new IllegalStateException("bicubic resize of a " + s + "x" + s + " table gave " + r.dim(2) + "x" + r.dim(3) + ", expected " + gh + "x" + gw);
        Tensor patches = r.permute(0, 2, 3, 1).reshape(1, gh * gw, d);
        return Tensor.concat(List.of(cls, patches), 1);
    }
}
