package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * iBOT's {@code GaussianBlur(p, radius_min, radius_max)}: iff {@code u <= p}, Pillow's
 * {@code ImageFilter.GaussianBlur(radius)} with {@code radius ~ U[radiusMin, radiusMax]}. Pillow approximates the
 * Gaussian by three passes of an extended box filter per axis (Gwosdek et al.), in 8.24 fixed point with edge
 * pixels repeated; that is reproduced here exactly, float arithmetic included.
 *
 * @param p         probability (1.0 global view #1, 0.1 other global views, 0.5 local views)
 * @param radiusMin lower bound of the radius, i.e. the standard deviation in pixels (0.1)
 * @param radiusMax upper bound of the radius (2.0)
 */
public record GaussianBlur(double p, double radiusMin, double radiusMax) {
    private static final int PASSES = 3;

    public GaussianBlur {
        if (!(radiusMin >= 0 && radiusMin <= radiusMax)) throw new IllegalArgumentException("blur radius range must satisfy 0 <= min <= max");
    }

    /** The iBOT blur with probability {@code p} and radius range [0.1, 2.0]. */
    public static GaussianBlur withP(double p) { return new GaussianBlur(p, 0.1, 2.0); }

    /** Draws the decision (and then the radius) and blurs. */
    public RgbImage apply(RgbImage img, Rng rng) {
        if (!(rng.nextDouble() <= p)) return img;
        return blur(img, (float) (radiusMin + (radiusMax - radiusMin) * rng.nextDouble()));
    }

    /** Pillow's {@code image.gaussian_blur(radius)} of an RGB image. */
    public static RgbImage blur(RgbImage img, float radius) {
        if (radius < 0) throw new IllegalArgumentException("blur radius must be >= 0, got " + radius);
        float box = boxRadius(radius);
        int w = img.width(), h = img.height();
        byte[] in = img.rgb();
        int[][] ch = new int[3][w * h];
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < 3; c++) ch[c][i] = in[3 * i + c] & 0xff;
        int[] lineIn = new int[Math.max(w, h)], lineOut = new int[Math.max(w, h)];
        for (int[] plane : ch) {
            for (int pass = 0; pass < PASSES; pass++)
                for (int y = 0; y < h; y++) {
                    System.arraycopy(plane, y * w, lineIn, 0, w);
                    blurLine(lineIn, lineOut, w, box);
                    System.arraycopy(lineOut, 0, plane, y * w, w);
                }
            for (int pass = 0; pass < PASSES; pass++)
                for (int x = 0; x < w; x++) {
                    for (int y = 0; y < h; y++) lineIn[y] = plane[y * w + x];
                    blurLine(lineIn, lineOut, h, box);
                    for (int y = 0; y < h; y++) plane[y * w + x] = lineOut[y];
                }
        }
        byte[] out = new byte[in.length];
        for (int i = 0; i < w * h; i++)
            for (int c = 0; c < 3; c++) out[3 * i + c] = (byte) ch[c][i];
        return new RgbImage(w, h, out);
    }

    /** Pillow's {@code _gaussian_blur_radius}: the extended-box radius whose 3 passes have variance radius^2. */
    static float boxRadius(float radius) {
        float sigma2 = radius * radius / PASSES;
        float bigL = (float) Math.sqrt(12.0 * sigma2 + 1.0);
        float l = (float) Math.floor((bigL - 1.0) / 2.0);
        float a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return l + a;
    }

    /** Pillow's {@code ImagingLineBoxBlur} of one channel of a line of {@code n} samples. */
    private static void blurLine(int[] in, int[] out, int n, float floatRadius) {
        int radius = (int) floatRadius;
        long ww = (long) (16777216f / (floatRadius * 2 + 1));
        long fw = ((1L << 24) - (radius * 2L + 1) * ww) / 2;
        int edgeA = Math.min(radius + 1, n), edgeB = Math.max(n - radius - 1, 0);
        int last = n - 1;
        long acc = (long) in[0] * (radius + 1);
        for (int x = 0; x < edgeA - 1; x++) acc += in[x];
        acc += (long) in[last] * (radius - edgeA + 1);
        if (edgeA <= edgeB) {
            for (int x = 0; x < edgeA; x++) {
                acc += in[x + radius] - in[0];
                out[x] = save(acc * ww + (long) (in[0] + in[x + radius + 1]) * fw);
            }
            for (int x = edgeA; x < edgeB; x++) {
                acc += in[x + radius] - in[x - radius - 1];
                out[x] = save(acc * ww + (long) (in[x - radius - 1] + in[x + radius + 1]) * fw);
            }
            for (int x = edgeB; x <= last; x++) {
                acc += in[last] - in[x - radius - 1];
                out[x] = save(acc * ww + (long) (in[x - radius - 1] + in[last]) * fw);
            }
        } else {
            for (int x = 0; x < edgeB; x++) {
                acc += in[x + radius] - in[0];
                out[x] = save(acc * ww + (long) (in[0] + in[x + radius + 1]) * fw);
            }
            for (int x = edgeB; x < edgeA; x++) {
                acc += in[last] - in[0];
                out[x] = save(acc * ww + (long) (in[0] + in[last]) * fw);
            }
            for (int x = edgeA; x <= last; x++) {
                acc += in[last] - in[x - radius - 1];
                out[x] = save(acc * ww + (long) (in[x - radius - 1] + in[last]) * fw);
            }
        }
    }

    private static int save(long bulk) { return (int) (((bulk + (1L << 23)) & 0xffffffffL) >>> 24); }
}
