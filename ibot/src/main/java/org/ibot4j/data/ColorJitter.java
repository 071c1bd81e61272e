package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * torchvision 0.8 {@code ColorJitter} on PIL images wrapped in {@code RandomApply(p)} (spec 2.2-2.3): with
 * probability {@code p} (applied iff {@code u <= p}), brightness, contrast, saturation and hue are applied in a fresh
 * random order, each factor drawn just before its op: brightness/contrast/saturation
 * {@code U[1 - x, 1 + x]}, hue {@code U[-hue, hue]}. The ops are Pillow's {@code ImageEnhance} and torchvision's
 * HSV hue shift.
 *
 * @param brightness jitter half-width of the brightness factor (0.4)
 * @param contrast   jitter half-width of the contrast factor (0.4)
 * @param saturation jitter half-width of the saturation factor (0.2)
 * @param hue        maximal hue shift as a fraction of the hue circle (0.1, at most 0.5)
 * @param p          probability of applying the jitter at all (0.8)
 */
public record ColorJitter(double brightness, double contrast, double saturation, double hue, double p) {
    public ColorJitter {
        if (brightness < 0 || contrast < 0 || saturation < 0) throw new IllegalArgumentException("colour jitter strengths must be >= 0");
        if (hue < 0 || hue > 0.5) throw new IllegalArgumentException("hue jitter must be in [0, 0.5], got " + hue);
    }

    /** The iBOT/DINO setting: {@code ColorJitter(0.4, 0.4, 0.2, 0.1)} applied with p = 0.8. */
    public static ColorJitter ibot() { return new ColorJitter(0.4, 0.4, 0.2, 0.1, 0.8); }

    /** Draws the decision, the order and the factors from {@code rng} and applies them. */
    public RgbImage apply(RgbImage img, Rng rng) {
        if (!(rng.nextDouble() <= p)) return img;
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        for (int op : order) {
            img = switch (op) {
                case 0 -> brightness > 0 ? brightness(img, (float) uniform(rng, 1 - brightness, 1 + brightness)) : img;
                case 1 -> contrast > 0 ? contrast(img, (float) uniform(rng, 1 - contrast, 1 + contrast)) : img;
                case 2 -> saturation > 0 ? saturation(img, (float) uniform(rng, 1 - saturation, 1 + saturation)) : img;
                default -> hue > 0 ? hue(img, uniform(rng, -hue, hue)) : img;
            };
        }
        return img;
    }

    private static double uniform(Rng rng, double lo, double hi) { return lo + (hi - lo) * rng.nextDouble(); }

    /** {@code ImageEnhance.Brightness(img).enhance(f)}: blend with black. */
    public static RgbImage brightness(RgbImage img, float f) {
        byte[] in = img.rgb(), out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = (byte) PilColor.blend(0, in[i] & 0xff, f);
        return new RgbImage(img.width(), img.height(), out);
    }

    /** {@code ImageEnhance.Contrast(img).enhance(f)}: blend with the grey {@code int(mean(L) + 0.5)}. */
    public static RgbImage contrast(RgbImage img, float f) {
        byte[] l = PilColor.lumaPlane(img);
        long sum = 0;
        for (byte v : l) sum += v & 0xff;
        int mean = (int) ((double) sum / l.length + 0.5);
        byte[] in = img.rgb(), out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = (byte) PilColor.blend(mean, in[i] & 0xff, f);
        return new RgbImage(img.width(), img.height(), out);
    }

    /** {@code ImageEnhance.Color(img).enhance(f)}: blend with the pixel's own luma. */
    public static RgbImage saturation(RgbImage img, float f) {
        byte[] l = PilColor.lumaPlane(img);
        byte[] in = img.rgb(), out = new byte[in.length];
        for (int i = 0; i < in.length; i++) out[i] = (byte) PilColor.blend(l[i / 3] & 0xff, in[i] & 0xff, f);
        return new RgbImage(img.width(), img.height(), out);
    }

    /** torchvision's {@code adjust_hue} for PIL: to HSV, {@code H += int(h * 255)} modulo 256, back to RGB. */
    public static RgbImage hue(RgbImage img, double h) {
        int shift = Math.floorMod((int) (h * 255), 256);
        byte[] in = img.rgb(), out = new byte[in.length];
        for (int i = 0; i < in.length; i += 3) {
            int hsv = PilColor.rgbToHsv(in[i] & 0xff, in[i + 1] & 0xff, in[i + 2] & 0xff);
            int hh = ((hsv >>> 16) + shift) & 0xff;
            int rgb = PilColor.hsvToRgb(hh, (hsv >>> 8) & 0xff, hsv & 0xff);
            out[i] = (byte) (rgb >>> 16);
            out[i + 1] = (byte) (rgb >>> 8);
            out[i + 2] = (byte) rgb;
        }
        return new RgbImage(img.width(), img.height(), out);
    }
}
