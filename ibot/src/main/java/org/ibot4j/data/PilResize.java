package org.ibot4j.data;

/**
 * Image resizing exactly as Pillow's {@code Image.resize} does it for 8-bit images (Pillow's separable
 * {@code Resample.c}): a horizontal pass then a vertical pass, each with filter support scaled by the
 * down-scaling factor (antialiasing), per-output-pixel coefficients normalised to sum 1, converted to 22-bit
 * fixed point, accumulated in 32-bit integers from a rounding offset of one half, and clipped to uint8 after
 * each pass. A pass whose size does not change is skipped (it would be the identity).
 */
public final class PilResize {
    private PilResize() {}

    /** Pillow's fixed-point precision of the 8-bit resampling coefficients ({@code 32 - 8 - 2}). */
    private static final int PRECISION_BITS = 22;

    /** Resampling filters with Pillow's kernels and supports. */
    public enum Filter {
        /** Pillow BILINEAR: triangle, support 1. */
        BILINEAR(1.0),
        /** Pillow BICUBIC: Keys cubic with a = -0.5, support 2. */
        BICUBIC(2.0);

        final double support;

        Filter(double support) { this.support = support; }

        double weight(double x) {
            if (x < 0) x = -x;
            return switch (this) {
                case BILINEAR -> x < 1.0 ? 1.0 - x : 0.0;
                case BICUBIC -> {
                    final double a = -0.5;
                    if (x < 1.0) yield ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                    if (x < 2.0) yield (((x - 5) * x + 8) * x - 4) * a;
                    yield 0.0;
                }
            };
        }
    }

    /** Per-output-pixel source ranges and fixed-point weights for one axis. */
    private record Coeffs(int ksize, int[] min, int[] count, int[] k) {}

    /** Resizes {@code src} to {@code outW x outH} with {@code filter}, bit-exact with Pillow for 8-bit RGB. */
    public static RgbImage resize(RgbImage src, int outW, int outH, Filter filter) {
        if (outW <= 0 || outH <= 0) throw new IllegalArgumentException("output size must be positive, got " + outW + "x" + outH);
        RgbImage img = src;
        if (outW != img.width()) img = horizontal(img, outW, coeffs(img.width(), outW, filter));
        if (outH != img.height()) img = vertical(img, outH, coeffs(img.height(), outH, filter));
        return img;
    }

    private static Coeffs coeffs(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] min = new int[outSize];
        int[] count = new int[outSize];
        int[] k = new int[outSize * ksize];
        double[] w = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                w[x] = filter.weight((x + xmin - center + 0.5) * ss);
                ww += w[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? w[x] / ww : w[x];
                k[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            min[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coeffs(ksize, min, count, k);
    }

    /** Pillow's clip8: the fixed-point accumulator shifted down to uint8, clamped to [0, 255]. */
    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static RgbImage horizontal(RgbImage in, int outW, Coeffs c) {
        int h = in.height(), inW = in.width();
        byte[] src = in.rgb();
        byte[] out = new byte[3 * outW * h];
        for (int y = 0; y < h; y++) {
            int row = y * inW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                int base = xx * c.ksize, xmin = c.min[xx];
                for (int x = 0; x < c.count[xx]; x++) {
                    int kv = c.k[base + x];
                    int p = row + (x + xmin) * 3;
                    s0 += (src[p] & 0xff) * kv;
                    s1 += (src[p + 1] & 0xff) * kv;
                    s2 += (src[p + 2] & 0xff) * kv;
                }
                int o = (y * outW + xx) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(outW, h, out);
    }

    private static RgbImage vertical(RgbImage in, int outH, Coeffs c) {
        int w = in.width();
        byte[] src = in.rgb();
        byte[] out = new byte[3 * w * outH];
        for (int yy = 0; yy < outH; yy++) {
            int base = yy * c.ksize, ymin = c.min[yy], n = c.count[yy];
            for (int xx = 0; xx < w; xx++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                for (int y = 0; y < n; y++) {
                    int kv = c.k[base + y];
                    int p = ((y + ymin) * w + xx) * 3;
                    s0 += (src[p] & 0xff) * kv;
                    s1 += (src[p + 1] & 0xff) * kv;
                    s2 += (src[p + 2] & 0xff) * kv;
                }
                int o = (yy * w + xx) * 3;
                out[o] = (byte) clip8(s0);
                out[o + 1] = (byte) clip8(s1);
                out[o + 2] = (byte) clip8(s2);
            }
        }
        return new RgbImage(w, outH, out);
    }
}
