package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * iBOT's {@code Solarization(p)}: iff {@code u < p}, Pillow's {@code ImageOps.solarize(img, threshold)}: every
 * channel value {@code v >= threshold} becomes {@code 255 - v}.
 *
 * @param p         probability (0.2 on global views #2..G, 0 elsewhere)
 * @param threshold inversion threshold (128)
 */
public record Solarize(double p, int threshold) {
    /** Draws the decision and solarizes. */
    public RgbImage apply(RgbImage img, Rng rng) { return rng.nextDouble() < p ? solarize(img, threshold) : img; }

    /** {@code img} with every value at or above {@code threshold} inverted. */
    public static RgbImage solarize(RgbImage img, int threshold) {
        byte[] in = img.rgb(), out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            int v = in[i] & 0xff;
            out[i] = (byte) (v >= threshold ? 255 - v : v);
        }
        return new RgbImage(img.width(), img.height(), out);
    }
}
