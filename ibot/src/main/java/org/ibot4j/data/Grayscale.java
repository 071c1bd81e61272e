package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * torchvision {@code RandomGrayscale(p)} on PIL images: iff {@code u < p}, {@code convert('L')} (Pillow's luma)
 * replicated to 3 channels. @param p probability (0.2)
 */
public record Grayscale(double p) {
    /** Draws the decision and converts. */
    public RgbImage apply(RgbImage img, Rng rng) { return rng.nextDouble() < p ? gray(img) : img; }

    /** {@code img} in grey, kept as RGB with three equal channels. */
    public static RgbImage gray(RgbImage img) {
        byte[] l = PilColor.lumaPlane(img), out = new byte[3 * l.length];
        for (int i = 0; i < l.length; i++) {
            out[3 * i] = l[i];
            out[3 * i + 1] = l[i];
            out[3 * i + 2] = l[i];
        }
        return new RgbImage(img.width(), img.height(), out);
    }
}
