package org.ibot4j.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.ibot4j.data.RgbImage;

/** Rendering helpers between {@link RgbImage} and AWT images: heat maps, mask overlays, the dimmed composite base, tiles. */
public final class Images {
    private Images() {}

    /** Colours of the composite's heads 0–5 (those of the reference figure: blue, red, yellow, navy, green, purple). */
    public static final int[] HEAD_COLORS = {0x00a0d7, 0xdc373c, 0xf5b400, 0x0a78be, 0x289664, 0x874b91};

    /** {@code img} as a {@code TYPE_INT_RGB} image. */
    public static BufferedImage toBuffered(RgbImage img) {
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++) out.setRGB(x, y, (img.get(x, y, 0) << 16) | (img.get(x, y, 1) << 8) | img.get(x, y, 2));
        return out;
    }

    /** {@code values [h·w]} drawn with viridis, scaled by their own min and max (as matplotlib's {@code imsave}). */
    public static BufferedImage heatmap(float[] values, int w, int h) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double span = hi > lo ? hi - lo : 1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) out.setRGB(x, y, Colormap.viridis((values[y * w + x] - lo) / span));
        return out;
    }

    /** {@code img} with {@code mask [h·w]} (0..1) blended in {@code color} at half opacity. */
    public static BufferedImage maskOverlay(RgbImage img, float[] mask, int color) {
        int w = img.width(), h = img.height();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float a = 0.5f * mask[y * w + x];
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int col = (color >> (16 - 8 * c)) & 0xff;
                    int v = Math.round(img.get(x, y, c) * (1 - a) + a * col);
                    rgb |= v << (16 - 8 * c);
                }
                out.setRGB(x, y, rgb);
            }
        return out;
    }

    /**
     * The colour composite over a dimmed grayscale of {@code img}: grey = channel mean of the image rescaled to
     * [192, 256] by its min and max, times 0.1; then per head {@code pixel·(1−s) + s·colour} with the head's
     * intensities {@code s} ({@link AttentionMaps#compositeIntensities}).
     */
    public static BufferedImage composite(RgbImage img, float[][] intensities) {
        int w = img.width(), h = img.height();
        int lo = 255, hi = 0;
        for (byte b : img.rgb()) { lo = Math.min(lo, b & 0xff); hi = Math.max(hi, b & 0xff); }
        double span = hi > lo ? hi - lo : 1;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double g = 0;
                for (int c = 0; c < 3; c++) g += (img.get(x, y, c) - lo) / span * 64 + 192;
                g = 0.1 * g / 3;
                double[] px = {g, g, g};
                for (int hd = 0; hd < intensities.length; hd++) {
                    float s = intensities[hd][y * w + x];
                    if (s <= 0) continue;
                    int col = HEAD_COLORS[hd % HEAD_COLORS.length];
                    for (int c = 0; c < 3; c++) px[c] = px[c] * (1 - s) + s * ((col >> (16 - 8 * c)) & 0xff);
                }
                int rgb = 0;
                for (int c = 0; c < 3; c++) rgb |= (int) Math.max(0, Math.min(255, px[c])) << (16 - 8 * c);
                out.setRGB(x, y, rgb);
            }
        return out;
    }

    /** A new image holding {@code parts} side by side (heights may differ; black background). */
    public static BufferedImage sideBySide(BufferedImage... parts) {
        int w = 0, h = 0;
        for (BufferedImage p : parts) { w += p.getWidth(); h = Math.max(h, p.getHeight()); }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        int x = 0;
        for (BufferedImage p : parts) { g.drawImage(p, x, 0, null); x += p.getWidth(); }
        g.dispose();
        return out;
    }

    /** {@code img} enlarged {@code factor} times by pixel repetition (itself when the factor is 1). */
    public static BufferedImage enlarge(BufferedImage img, int factor) {
        if (factor == 1) return img;
        BufferedImage out = new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++)
            for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, img.getRGB(x / factor, y / factor));
        return out;
    }

    /** Draws a line of {@code color} (0xRRGGBB), anti-aliased, between two points. */
    public static void line(BufferedImage img, double x0, double y0, double x1, double y1, int color, float width) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(color));
        g.setStroke(new BasicStroke(width));
        g.draw(new java.awt.geom.Line2D.Double(x0, y0, x1, y1));
        g.fillOval((int) Math.round(x0) - 2, (int) Math.round(y0) - 2, 5, 5);
        g.fillOval((int) Math.round(x1) - 2, (int) Math.round(y1) - 2, 5, 5);
        g.dispose();
    }

    /** A distinct bright colour for item {@code i} of {@code n} (hues spread evenly). */
    public static int distinctColor(int i, int n) {
        return Color.HSBtoRGB((float) i / Math.max(n, 1), 0.9f, 1f) & 0xffffff;
    }
}
