package org.ibot4j.data;

/**
 * Pillow's 8-bit colour primitives that the colour transforms are built from: the {@code convert('L')} luma,
 * {@code Image.blend} (the core of {@code ImageEnhance}) and the RGB/HSV conversions, each with Pillow's own
 * integer and float arithmetic so results match Pillow bit for bit.
 */
public final class PilColor {
    private PilColor() {}

    /** Pillow's ITU-R 601-2 luma in 16-bit fixed point: {@code (19595 R + 38470 G + 7471 B + 0x8000) >> 16}. */
    public static int luma(int r, int g, int b) { return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16; }

    /** The per-pixel luma of {@code img} (its {@code convert('L')}), row-major. */
    public static byte[] lumaPlane(RgbImage img) {
        byte[] rgb = img.rgb();
        byte[] out = new byte[rgb.length / 3];
        for (int i = 0; i < out.length; i++)
            out[i] = (byte) luma(rgb[3 * i] & 0xff, rgb[3 * i + 1] & 0xff, rgb[3 * i + 2] & 0xff);
        return out;
    }

    /**
     * Pillow's {@code ImagingBlend} of one sample: {@code in1 + alpha (in2 - in1)} in float, truncated to uint8,
     * clamped to [0, 255] when {@code alpha} is outside [0, 1] (extrapolation).
     */
    public static int blend(int in1, int in2, float alpha) {
        float t = in1 + alpha * (float) (in2 - in1);
        if (alpha >= 0f && alpha <= 1f) return (int) t;
        if (t <= 0f) return 0;
        if (t >= 255f) return 255;
        return (int) t;
    }

    /** Pillow's {@code rgb2hsv} of one pixel, packed as {@code h << 16 | s << 8 | v}. */
    public static int rgbToHsv(int r, int g, int b) {
        int maxc = Math.max(r, Math.max(g, b)), minc = Math.min(r, Math.min(g, b));
        if (maxc == minc) return maxc;
        float cr = maxc - minc;
        float s = cr / (float) maxc;
        float rc = (maxc - r) / cr, gc = (maxc - g) / cr, bc = (maxc - b) / cr;
        float h;
        if (r == maxc) h = bc - gc;
        else if (g == maxc) h = (float) (2.0 + rc - bc);
        else h = (float) (4.0 + gc - rc);
        h = (float) ((h / 6.0 + 1.0) % 1.0);
        int uh = clip8((int) (h * 255.0)), us = clip8((int) (s * 255.0));
        return uh << 16 | us << 8 | maxc;
    }

    /** Pillow's {@code hsv2rgb} of one pixel, packed as {@code r << 16 | g << 8 | b}. */
    public static int hsvToRgb(int h, int s, int v) {
        if (s == 0) return v << 16 | v << 8 | v;
        int i = (int) Math.floor((float) h * 6.0 / 255.0);
        float f = (float) ((float) h * 6.0 / 255.0 - (float) i);
        float fs = (float) (((float) s) / 255.0);
        int p = clip8((int) cRound((float) v * (1.0 - fs)));
        int q = clip8((int) cRound((float) v * (1.0 - fs * f)));
        int t = clip8((int) cRound((float) v * (1.0 - fs * (1.0 - f))));
        return switch (i % 6) {
            case 0 -> v << 16 | t << 8 | p;
            case 1 -> q << 16 | v << 8 | p;
            case 2 -> p << 16 | v << 8 | t;
            case 3 -> p << 16 | q << 8 | v;
            case 4 -> t << 16 | p << 8 | v;
            default -> v << 16 | p << 8 | q;
        };
    }

    /** C's {@code round}: half away from zero. */
    private static double cRound(double x) { return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5); }

    static int clip8(int v) { return v < 0 ? 0 : Math.min(v, 255); }
}
