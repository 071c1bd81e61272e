package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * iBOT's dataset-side patch masks (spec 3): per crop a prediction ratio is drawn (3.2), then a block-wise
 * (BEiT-style, 3.3) or uniformly random (3.4) mask of about {@code ratio * h * w} cells is made on the
 * {@code h x w} patch grid. Before {@code predStartEpoch} every mask is empty (3.5). Masks are row-major
 * {@code boolean[h * w]}, {@code true} = masked (predicted) patch.
 */
public final class MaskGenerator {
    /** How masked cells are placed. */
    public enum Shape {
        BLOCK, RAND;

        /** The shape named by {@code --pred_shape} ({@code block} or {@code rand}). */
        public static Shape parse(String name) {
            return switch (name) {
                case "block" -> BLOCK;
                case "rand" -> RAND;
                default -> throw new IllegalArgumentException("unknown --pred_shape '" + name + "', expected block or rand");
            };
        }
    }

    private static final double LOG_ASPECT_MIN = Math.log(0.3), LOG_ASPECT_MAX = Math.log(1 / 0.3);

    private final Shape shape;
    private final double[] ratios, vars;
    private final int predStartEpoch;

    /**
     * @param shape          {@code --pred_shape}
     * @param ratios         {@code --pred_ratio} list (one entry chosen per crop)
     * @param vars           {@code --pred_ratio_var}: same length as ratios, or one value broadcast
     * @param predStartEpoch {@code --pred_start_epoch}
     */
    public MaskGenerator(Shape shape, double[] ratios, double[] vars, int predStartEpoch) {
        if (ratios.length == 0) throw new IllegalArgumentException("pred_ratio needs at least one value");
        if (vars.length != 1 && vars.length != ratios.length)
            throw new IllegalArgumentException("pred_ratio_var must have 1 or " + ratios.length + " values, got " + vars.length);
        double[] v = new double[ratios.length];
        for (int i = 0; i < ratios.length; i++) {
            v[i] = vars.length == 1 ? vars[0] : vars[i];
            if (ratios[i] < v[i]) throw new IllegalArgumentException("pred_ratio " + ratios[i] + " is below its pred_ratio_var " + v[i]);
            if (ratios[i] < 0 || ratios[i] + v[i] > 1) throw new IllegalArgumentException("pred_ratio range must stay within [0, 1]");
        }
        this.shape = shape;
        this.ratios = ratios.clone();
        this.vars = v;
        this.predStartEpoch = predStartEpoch;
    }

    /** The prediction ratio of one crop (spec 3.2): 0 before {@code predStartEpoch}. */
    public double sampleRatio(int epoch, Rng rng) {
        if (epoch < predStartEpoch) return 0;
        double[] c = new double[ratios.length];
        for (int i = 0; i < ratios.length; i++)
            c[i] = vars[i] > 0 ? uniform(rng, ratios[i] - vars[i], ratios[i] + vars[i]) : ratios[i];
        return c.length == 1 ? c[0] : c[rng.nextInt(c.length)];
    }

    /** The mask of one {@code h x w} crop at {@code epoch}: a ratio drawn, then the mask placed. */
    public boolean[] mask(int h, int w, int epoch, Rng rng) { return place(h, w, sampleRatio(epoch, rng) * h * w, rng); }

    /** A mask with about {@code target} (real, not rounded) masked cells, by this generator's shape. */
    public boolean[] place(int h, int w, double target, Rng rng) {
        return shape == Shape.BLOCK ? block(h, w, target, rng) : random(h, w, target, rng);
    }

    /** Block-wise masking (spec 3.3, quirk 11.9): blocks never span the full width or height; may stop short. */
    public static boolean[] block(int h, int w, double target, Rng rng) {
        boolean[] m = new boolean[h * w];
        int count = 0;
        int minArea = (Math.min(h, w) / 3) * (Math.min(h, w) / 3);
        while (count < target) {
            int added = addBlock(m, h, w, minArea, target - count, rng);
            if (added == 0) break;
            count += added;
        }
        return m;
    }

    /**
     * One step of block masking: up to 10 attempts to place a rectangle (area {@code U(minArea, budget)}, aspect
     * log-uniform in [0.3, 1/0.3], sides rounded half to even and strictly smaller than the grid) that adds between
     * 1 and {@code budget} new cells; returns the number of cells added (0 if every attempt failed).
     */
    static int addBlock(boolean[] m, int h, int w, int minArea, double budget, Rng rng) {
        for (int attempt = 0; attempt < 10; attempt++) {
            double area = uniform(rng, minArea, budget);
            double ar = Math.exp(uniform(rng, LOG_ASPECT_MIN, LOG_ASPECT_MAX));
            int bh = (int) Math.rint(Math.sqrt(area * ar)), bw = (int) Math.rint(Math.sqrt(area / ar));
            if (bw < w && bh < h) {
                int top = rng.nextInt(h - bh + 1), left = rng.nextInt(w - bw + 1);
                int already = 0;
                for (int y = top; y < top + bh; y++)
                    for (int x = left; x < left + bw; x++) if (m[y * w + x]) already++;
                int fresh = bh * bw - already;
                if (fresh > 0 && fresh <= budget) {
                    for (int y = top; y < top + bh; y++)
                        for (int x = left; x < left + bw; x++) m[y * w + x] = true;
                    return fresh;
                }
            }
        }
        return 0;
    }

    /** Random masking (spec 3.4): exactly {@code floor(target)} cells, uniformly without replacement. */
    public static boolean[] random(int h, int w, double target, Rng rng) {
        int n = h * w, k = (int) Math.floor(target);
        boolean[] m = new boolean[n];
        for (int i = n - k; i < n; i++) m[i] = true;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            boolean t = m[i]; m[i] = m[j]; m[j] = t;
        }
        return m;
    }

    /** Python's {@code random.uniform(a, b)}: {@code a + (b - a) u}, reversed bounds allowed. */
    private static double uniform(Rng rng, double a, double b) { return a + (b - a) * rng.nextDouble(); }
}
