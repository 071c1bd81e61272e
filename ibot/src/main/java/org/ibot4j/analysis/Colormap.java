package org.ibot4j.analysis;

/** Matplotlib's default {@code viridis} colour map, linearly interpolated between 11 anchor colours. */
public final class Colormap {
    private Colormap() {}

    private static final int[] VIRIDIS = {
            0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};

    /** The viridis colour (0xRRGGBB) of {@code t}, clamped to [0, 1]; NaN maps to 0. */
    public static int viridis(double t) {
        if (!(t > 0)) t = 0;
        if (t > 1) t = 1;
        double x = t * (VIRIDIS.length - 1);
        int i = Math.min((int) x, VIRIDIS.length - 2);
        double f = x - i;
        int a = VIRIDIS[i], b = VIRIDIS[i + 1];
        int r = mix(a >> 16, b >> 16, f), g = mix(a >> 8, b >> 8, f), bl = mix(a, b, f);
        return (r << 16) | (g << 8) | bl;
    }

    private static int mix(int a, int b, double f) {
        a &= 0xff;
        b &= 0xff;
        return (int) Math.round(a + (b - a) * f);
    }
}
