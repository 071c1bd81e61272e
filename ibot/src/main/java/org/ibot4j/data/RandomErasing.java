package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * timm {@code RandomErasing(probability, mode='pixel')} on a normalised {@code [c, h, w]} image (spec 9.4, used by
 * fine-tuning): with probability {@code p}, up to 10 tries of a box with area fraction {@code U(0.02, 1/3)} and
 * log-uniform aspect ratio in {@code [0.3, 1/0.3]} (sides rounded half to even); the first box strictly smaller
 * than the image in both sides is filled with standard-normal noise, one value per pixel and channel.
 *
 * @param p probability of erasing an image (0.25; 0 disables)
 */
public record RandomErasing(double p) {
    private static final double MIN_AREA = 0.02, MAX_AREA = 1.0 / 3, LOG_R0 = Math.log(0.3), LOG_R1 = Math.log(1 / 0.3);

    public RandomErasing {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("--reprob must be in [0, 1], got " + p);
    }

    /** Erases in place the image at {@code offset} of {@code data}; returns the box {@code {top, left, h, w}} or null. */
    public int[] apply(float[] data, int offset, int c, int h, int w, Rng rng) {
        if (p == 0 || rng.nextDouble() >= p) return null;
        double area = (double) h * w;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = (MIN_AREA + (MAX_AREA - MIN_AREA) * rng.nextDouble()) * area;
            double ar = Math.exp(LOG_R0 + (LOG_R1 - LOG_R0) * rng.nextDouble());
            int eh = (int) Math.rint(Math.sqrt(target * ar)), ew = (int) Math.rint(Math.sqrt(target / ar));
            if (ew < w && eh < h) {
                int top = rng.nextInt(h - eh + 1), left = rng.nextInt(w - ew + 1);
                for (int ch = 0; ch < c; ch++)
                    for (int y = top; y < top + eh; y++)
                        for (int x = left; x < left + ew; x++) data[offset + (ch * h + y) * w + x] = (float) rng.nextGaussian();
                return new int[] {top, left, eh, ew};
            }
        }
        return null;
    }
}
