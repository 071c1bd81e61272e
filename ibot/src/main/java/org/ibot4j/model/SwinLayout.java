package org.ibot4j.model;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Copy-only layout ops of the Swin block as single passes of row copies, each the other's backward:
 * {@link #toWindows} (cyclic roll by {@code −s} on both spatial axes, then window partition) and
 * {@link #fromWindows} (window reverse, then roll by {@code +s}); and {@link #splitHeads}, which turns the qkv
 * projection {@code [B, n, 3c]} into {@code [3, B, heads, n, dh]}. The same numbers as the view/concat
 * compositions ({@link SwinWindows#roll}, {@link SwinWindows#partition}, reshape/permute), which the tests
 * compare against, without their element-by-element strided copies.
 */
public final class SwinLayout {
    private SwinLayout() {}

    /** {@code x [N, H, W, C]} → windows {@code [N·(H/w)·(W/w), w², C]} of the map rolled by {@code −s}: window pixel (i, j) is x[(y0+i+s) mod H, (x0+j+s) mod W]. */
    public static Tensor toWindows(Tensor x, int w, int s) {
        int n = x.dim(0), h = x.dim(1), wd = x.dim(2), c = x.dim(3);
        check(h, wd, w, s);
        if (x.device() != Device.CPU)  // the composed ops (strided copies on the device)
            return SwinWindows.partition(SwinWindows.roll(SwinWindows.roll(x, -s, 1), -s, 2), w);
        Tensor xc = x.contiguous();
        float[] out = new float[xc.size()];
        move(xc.array(), xc.offset(), out, 0, n, h, wd, c, w, s, true);
        Tensor y = Tensor.of(out, n * (h / w) * (wd / w), w * w, c);
        return Autograd.record("swin_to_windows", y, g -> {
            Tensor gc = g.contiguous();
            float[] gx = new float[gc.size()];
            move(gx, 0, gc.array(), gc.offset(), n, h, wd, c, w, s, false);
            return new Tensor[] {Tensor.of(gx, n, h, wd, c)};
        }, xc);
    }

    /** Inverse of {@link #toWindows}: windows {@code [N·(H/w)·(W/w), w², C]} → {@code [N, H, W, C]}, rolled back by {@code +s}. */
    public static Tensor fromWindows(Tensor windows, int w, int s, int h, int wd) {
        int c = windows.dim(2), n = windows.dim(0) / ((h / w) * (wd / w));
        check(h, wd, w, s);
        if (windows.device() != Device.CPU)
            return SwinWindows.roll(SwinWindows.roll(SwinWindows.reverse(windows, w, h, wd), s, 1), s, 2);
        Tensor wc = windows.contiguous();
        float[] out = new float[wc.size()];
        move(out, 0, wc.array(), wc.offset(), n, h, wd, c, w, s, false);
        Tensor y = Tensor.of(out, n, h, wd, c);
        return Autograd.record("swin_from_windows", y, g -> {
            Tensor gc = g.contiguous();
            float[] gw = new float[gc.size()];
            move(gc.array(), gc.offset(), gw, 0, n, h, wd, c, w, s, true);
            return new Tensor[] {Tensor.of(gw, wc.dims())};
        }, wc);
    }

    private static void check(int h, int wd, int w, int s) {
        if (h % w != 0 || wd % w != 0) throw new IllegalArgumentException("map " + h + "x" + wd + " is not a multiple of the window " + w);
        if (s < 0 || s >= Math.min(h, wd)) throw new IllegalArgumentException("shift " + s + " out of range for a " + h + "x" + wd + " map");
    }

    /** Copies between the map {@code m} and the windows {@code win}: map → windows when {@code toWin}, else back. */
    private static void move(float[] m, int mOff, float[] win, int wOff, int n, int h, int wd, int c, int w, int s, boolean toWin) {
        int nh = h / w, nw = wd / w;
        for (int b = 0; b < n; b++)
            for (int wy = 0; wy < nh; wy++)
                for (int wx = 0; wx < nw; wx++)
                    for (int i = 0; i < w; i++) {
                        int y = (wy * w + i + s) % h;
                        int row = mOff + (b * h + y) * wd * c;
                        int x0 = (wx * w + s) % wd;
                        int dst = wOff + (((b * nh + wy) * nw + wx) * w + i) * w * c;
                        int first = Math.min(w, wd - x0);
                        if (toWin) {
                            System.arraycopy(m, row + x0 * c, win, dst, first * c);
                            if (first < w) System.arraycopy(m, row, win, dst + first * c, (w - first) * c);
                        } else {
                            System.arraycopy(win, dst, m, row + x0 * c, first * c);
                            if (first < w) System.arraycopy(win, dst + first * c, m, row, (w - first) * c);
                        }
                    }
    }

    /** {@code qkv [B, n, 3c]} (rows {@code [q | k | v]}, heads in order) → contiguous {@code [3, B, heads, n, c/heads]}. */
    public static Tensor splitHeads(Tensor qkv, int heads) {
        int b = qkv.dim(0), n = qkv.dim(1), c3 = qkv.dim(2), c = c3 / 3, d = c / heads;
        if (c3 != 3 * c || c != heads * d) throw new IllegalArgumentException("qkv width " + c3 + " is not 3 × heads " + heads + " × head dim");
        if (qkv.device() != Device.CPU) return qkv.reshape(b, n, 3, heads, d).permute(2, 0, 3, 1, 4).contiguous();
        Tensor xc = qkv.contiguous();
        float[] out = new float[xc.size()];
        heads(xc.array(), xc.offset(), out, 0, b, n, heads, d, true);
        Tensor y = Tensor.of(out, 3, b, heads, n, d);
        return Autograd.record("swin_split_heads", y, g -> {
            Tensor gc = g.contiguous();
            float[] gx = new float[gc.size()];
            heads(gx, 0, gc.array(), gc.offset(), b, n, heads, d, false);
            return new Tensor[] {Tensor.of(gx, b, n, c3)};
        }, xc);
    }

    private static void heads(float[] flat, int fOff, float[] split, int sOff, int b, int n, int heads, int d, boolean toSplit) {
        int c = heads * d;
        for (int bi = 0; bi < b; bi++)
            for (int t = 0; t < n; t++)
                for (int s = 0; s < 3; s++)
                    for (int hd = 0; hd < heads; hd++) {
                        int f = fOff + (bi * n + t) * 3 * c + s * c + hd * d;
                        int p = sOff + (((s * b + bi) * heads + hd) * n + t) * d;
                        if (toSplit) System.arraycopy(flat, f, split, p, d);
                        else System.arraycopy(split, p, flat, f, d);
                    }
    }
}
