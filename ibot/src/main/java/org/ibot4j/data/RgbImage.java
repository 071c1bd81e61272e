package org.ibot4j.data;

import java.util.Objects;

/**
 * An 8-bit RGB image, as PIL holds an image after {@code convert('RGB')}: {@code height} rows of {@code width}
 * pixels, each pixel three bytes R, G, B (row-major, interleaved). Values are unsigned (read with {@code & 0xff}).
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        Objects.requireNonNull(rgb, "rgb");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        if (rgb.length != 3L * width * height)
            throw new IllegalArgumentException("rgb buffer has " + rgb.length + " bytes, expected 3*" + width + "*" + height);
    }

    /** The unsigned value of channel {@code c} (0=R, 1=G, 2=B) at column {@code x}, row {@code y}. */
    public int get(int x, int y, int c) { return rgb[(y * width + x) * 3 + c] & 0xff; }

    /** The {@code w x h} sub-image whose top-left corner is at column {@code left}, row {@code top}. */
    public RgbImage crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || w <= 0 || h <= 0 || left + w > width || top + h > height)
            throw new IllegalArgumentException("crop box (" + left + "," + top + "," + w + "x" + h + ") is outside the "
                    + width + "x" + height + " image");
        byte[] out = new byte[3 * w * h];
        for (int y = 0; y < h; y++) System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * w * 3, w * 3);
        return new RgbImage(w, h, out);
    }
}
