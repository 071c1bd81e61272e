package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * torchvision 0.8 {@code RandomResizedCrop(size, scale, ratio=(3/4, 4/3), BICUBIC)} (spec 2.3): up to 10 tries of
 * an area fraction {@code U(scaleMin, scaleMax)} and a log-uniform aspect ratio, sides rounded half to even,
 * accepted when the box fits; otherwise the centred fallback box. The box is then resized to {@code size x size}
 * with Pillow's bicubic filter ({@link PilResize}).
 *
 * @param size     output side in pixels
 * @param scaleMin lower bound of the area fraction
 * @param scaleMax upper bound of the area fraction
 */
public record RandomResizedCrop(int size, double scaleMin, double scaleMax) {
    private static final double RATIO_MIN = 3.0 / 4.0, RATIO_MAX = 4.0 / 3.0;

    public RandomResizedCrop {
        if (size <= 0) throw new IllegalArgumentException("crop size must be positive, got " + size);
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1))
            throw new IllegalArgumentException("crop scale must satisfy 0 < min <= max <= 1, got (" + scaleMin + ", " + scaleMax + ")");
    }

    /** A crop box: rows {@code [top, top + height)}, columns {@code [left, left + width)}. */
    public record Box(int top, int left, int height, int width) {}

    /** Draws the crop box for an image of {@code width x height}. */
    public Box params(int width, int height, Rng rng) {
        double area = (double) width * height;
        double logLo = Math.log(RATIO_MIN), logHi = Math.log(RATIO_MAX);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (scaleMin + (scaleMax - scaleMin) * rng.nextDouble());
            double ar = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
            int w = (int) Math.rint(Math.sqrt(target * ar));
            int h = (int) Math.rint(Math.sqrt(target / ar));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(top, left, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w, h;
        if (inRatio < RATIO_MIN) {
            w = width;
            h = (int) Math.rint(w / RATIO_MIN);
        } else if (inRatio > RATIO_MAX) {
            h = height;
            w = (int) Math.rint(h * RATIO_MAX);
        } else {
            w = width;
            h = height;
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    /** The box cut out of {@code img} and resized to {@code size x size} (bicubic). */
    public static RgbImage cropResize(RgbImage img, Box b, int size) {
        return PilResize.resize(img.crop(b.left(), b.top(), b.width(), b.height()), size, size, PilResize.Filter.BICUBIC);
    }

    /** The box cut out of {@code img} and resized to {@code size x size} with {@code filter}. */
    public static RgbImage cropResize(RgbImage img, Box b, int size, PilResize.Filter filter) {
        return PilResize.resize(img.crop(b.left(), b.top(), b.width(), b.height()), size, size, filter);
    }

    /** Draws a box and returns the resized crop. */
    public RgbImage apply(RgbImage img, Rng rng) { return cropResize(img, params(img.width(), img.height(), rng), size); }

    /** Draws a box and returns the crop resized with {@code filter} (the linear evaluation's is bilinear). */
    public RgbImage apply(RgbImage img, Rng rng, PilResize.Filter filter) {
        return cropResize(img, params(img.width(), img.height(), rng), size, filter);
    }
}
