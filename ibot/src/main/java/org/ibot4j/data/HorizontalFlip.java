package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/** torchvision {@code RandomHorizontalFlip(p)}: mirror left-right iff {@code u < p}. @param p flip probability (0.5) */
public record HorizontalFlip(double p) {
    /** Draws the decision and flips. */
    public RgbImage apply(RgbImage img, Rng rng) { return rng.nextDouble() < p ? flip(img) : img; }

    /** {@code img} mirrored left-right. */
    public static RgbImage flip(RgbImage img) {
        int w = img.width(), h = img.height();
        byte[] in = img.rgb(), out = new byte[in.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int s = (y * w + x) * 3, d = (y * w + w - 1 - x) * 3;
                out[d] = in[s];
                out[d + 1] = in[s + 1];
                out[d + 2] = in[s + 2];
            }
        return new RgbImage(w, h, out);
    }
}
