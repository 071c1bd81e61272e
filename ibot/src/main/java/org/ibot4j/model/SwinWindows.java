package org.ibot4j.model;

import java.util.List;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The spatial plumbing of Swin blocks on {@code [N, H, W, C]} maps, built from differentiable views, slices
 * and concatenations: zero padding to window multiples, cyclic rolls, window partition and its reverse, the
 * relative position index and the shift mask (spec 4.2).
 */
public final class SwinWindows {
    /** The logit added between tokens of different regions of a shifted window. */
    public static final float MASK_VALUE = -100f;

    private SwinWindows() {}

    /** Zero-pads {@code x [N, H, W, C]} at the bottom and right to {@code [N, hp, wp, C]}. */
    public static Tensor padBottomRight(Tensor x, int hp, int wp) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        if (hp < h || wp < w) throw new IllegalArgumentException("cannot pad " + x.shape() + " down to " + hp + "x" + wp);
        if (hp > h) x = Tensor.concat(List.of(x, Tensor.zeros(Shape.of(n, hp - h, w, c), x.device())), 1);
        if (wp > w) x = Tensor.concat(List.of(x, Tensor.zeros(Shape.of(n, hp, wp - w, c), x.device())), 2);
        return x;
    }

    /** {@code torch.roll(x, shift, dim)}: {@code out[i] = x[(i − shift) mod n]}. */
    public static Tensor roll(Tensor x, int shift, int dim) {
        int n = x.dim(dim);
        int k = Math.floorMod(shift, n);
        if (k == 0) return x;
        return Tensor.concat(List.of(x.slice(dim, n - k, n), x.slice(dim, 0, n - k)), dim);
    }

    /** {@code [N, H, W, C]} (H, W multiples of {@code w}) → {@code [N·(H/w)·(W/w), w², C]}, windows row-major per image. */
    public static Tensor partition(Tensor x, int w) {
        int n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
        return x.reshape(n, h / w, w, wd / w, w, c).permute(0, 1, 3, 2, 4, 5).reshape(n * (h / w) * (wd / w), w * w, c);
    }

    /** Inverse of {@link #partition}: {@code [N·(H/w)·(W/w), w², C]} → {@code [N, H, W, C]}. */
    public static Tensor reverse(Tensor windows, int w, int h, int wd) {
        int c = windows.dim(2), n = windows.dim(0) / ((h / w) * (wd / w));
        return windows.reshape(n, h / w, wd / w, w, w, c).permute(0, 1, 3, 2, 4, 5).reshape(n, h, wd, c);
    }

    /**
     * The {@code [w², w²]} relative position index, row-major: for tokens {@code a=(ya,xa)}, {@code b=(yb,xb)}
     * of a window, {@code (ya−yb+w−1)·(2w−1) + (xa−xb+w−1)}.
     */
    public static int[] relativePositionIndex(int w) {
        int n = w * w;
        int[] idx = new int[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                idx[a * n + b] = (a / w - b / w + w - 1) * (2 * w - 1) + (a % w - b % w + w - 1);
        return idx;
    }

    /**
     * Region labels of the padded {@code hp×wp} map for window {@code w} and shift {@code s}: rows split at
     * {@code [0,hp−w)}, {@code [hp−w,hp−s)}, {@code [hp−s,hp)}, columns likewise, label = 3·row region + column region.
     */
    public static int[] regionLabels(int hp, int wp, int w, int s) {
        int[] labels = new int[hp * wp];
        for (int y = 0; y < hp; y++)
            for (int x = 0; x < wp; x++)
                labels[y * wp + x] = 3 * region(y, hp, w, s) + region(x, wp, w, s);
        return labels;
    }

    private static int region(int i, int size, int w, int s) { return i < size - w ? 0 : i < size - s ? 1 : 2; }

    /** The shift mask {@code [nW, w², w²]}: 0 between tokens of the same region, {@link #MASK_VALUE} otherwise. */
    public static Tensor shiftMask(int hp, int wp, int w, int s) {
        int[] labels = regionLabels(hp, wp, w, s);
        int nh = hp / w, nw = wp / w, n = w * w;
        float[] m = new float[nh * nw * n * n];
        int[] win = new int[n];
        for (int wy = 0; wy < nh; wy++)
            for (int wx = 0; wx < nw; wx++) {
                for (int t = 0; t < n; t++) win[t] = labels[(wy * w + t / w) * wp + wx * w + t % w];
                int base = (wy * nw + wx) * n * n;
                for (int a = 0; a < n; a++)
                    for (int b = 0; b < n; b++) m[base + a * n + b] = win[a] == win[b] ? 0f : MASK_VALUE;
            }
        return Tensor.of(m, nh * nw, n, n);
    }
}
