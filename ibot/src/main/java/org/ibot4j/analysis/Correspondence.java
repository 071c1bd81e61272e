package org.ibot4j.analysis;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.ibot4j.data.RandomResizedCrop;

/**
 * Sparse patch correspondence between two images (spec 9.6): every patch token of image 1 is matched to the patch
 * token of image 2 with the largest dot product (tokens final-normed, not L2-normalised); a few source patches
 * are shown, chosen by an attention score; in instance mode the second image is a known crop (+ flip) of the
 * first, so each match can be checked against the geometrically corresponding patch.
 */
public final class Correspondence {
    private Correspondence() {}

    /**
     * For every row of {@code tokens1 [p1·d]} the index of the row of {@code tokens2 [p2·d]} with the largest dot
     * product (ties to the lowest index); the best dot products go to {@code bestOut} when it is not null.
     */
    public static int[] bestMatches(float[] tokens1, int p1, float[] tokens2, int p2, int d, float[] bestOut) {
        if (tokens1.length != p1 * d || tokens2.length != p2 * d)
            throw new IllegalArgumentException("token arrays do not match " + p1 + "x" + d + " and " + p2 + "x" + d);
        int[] out = new int[p1];
        for (int i = 0; i < p1; i++) {
            double best = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int j = 0; j < p2; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) s += (double) tokens1[i * d + k] * tokens2[j * d + k];
                if (s > best) { best = s; arg = j; }
            }
            out[i] = arg;
            if (bestOut != null) bestOut[i] = (float) best;
        }
        return out;
    }

    /**
     * The indices of the {@code k} largest {@code scores} among the {@code allowed} positions (all when null),
     * largest first, ties to the lower index.
     */
    public static int[] topK(float[] scores, int k, boolean[] allowed) {
        return IntStream.range(0, scores.length).filter(i -> allowed == null || allowed[i]).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
                .limit(Math.max(k, 0)).mapToInt(Integer::intValue).toArray();
    }

    /** The mean over heads of per-head maps {@code [heads][p]}. */
    public static float[] headMean(float[][] maps) {
        float[] out = new float[maps[0].length];
        for (float[] m : maps) for (int i = 0; i < out.length; i++) out[i] += m[i] / maps.length;
        return out;
    }

    /**
     * The geometry of an instance-mode view: the {@code box} of the {@code size×size} image 1 was cut out, resized
     * to {@code size×size} and mirrored left-right when {@code flip}.
     */
    public record View(int size, RandomResizedCrop.Box box, boolean flip) {
        /** Where image-1 pixel coordinates (continuous, pixel centres at +0.5) land in the view: {@code {x', y'}}. */
        public double[] toView(double x, double y) {
            double vx = (x - box.left()) * size / box.width();
            double vy = (y - box.top()) * size / box.height();
            if (flip) vx = size - vx;
            return new double[] {vx, vy};
        }

        /**
         * For each patch of image 1 on a {@code grid×grid} grid of {@code stride}-pixel cells, the view patch its
         * centre falls in, or −1 when the centre lies outside the view (no overlap).
         */
        public int[] truePatches(int grid, int stride) {
            int[] out = new int[grid * grid];
            int extent = grid * stride;
            for (int r = 0; r < grid; r++)
                for (int c = 0; c < grid; c++) {
                    double[] v = toView((c + 0.5) * stride, (r + 0.5) * stride);
                    boolean inside = v[0] >= 0 && v[0] < extent && v[1] >= 0 && v[1] < extent;
                    out[r * grid + c] = inside ? (int) Math.floor(v[1] / stride) * grid + (int) Math.floor(v[0] / stride) : -1;
                }
            return out;
        }
    }

    /**
     * Instance-mode accuracy: among patches with a true correspondent ({@code truth ≥ 0}), the fraction whose
     * match lies within {@code radius} grid cells of it in both row and column. NaN when nothing overlaps.
     */
    public static double accuracy(int[] matches, int[] truth, int grid, int radius) {
        int n = 0, ok = 0;
        for (int i = 0; i < matches.length; i++) {
            if (truth[i] < 0) continue;
            n++;
            if (Math.abs(matches[i] / grid - truth[i] / grid) <= radius && Math.abs(matches[i] % grid - truth[i] % grid) <= radius) ok++;
        }
        return n == 0 ? Double.NaN : (double) ok / n;
    }

    /**
     * Both images side by side with a line between the centres of each matched pair ({@code sources[i] →
     * matches[sources[i]]}), patch indices row-major on grids of {@code grid1}/{@code grid2} columns and
     * {@code stride}-pixel cells; one colour per pair. Small images are enlarged by an integer factor (nearest)
     * so that each side is at least 224 pixels and the lines stay readable.
     */
    public static BufferedImage draw(BufferedImage img1, BufferedImage img2, int[] sources, int[] matches, int grid1, int grid2, int stride) {
        int scale = displayScale(Math.max(img1.getWidth(), img2.getWidth()));
        BufferedImage out = Images.sideBySide(Images.enlarge(img1, scale), Images.enlarge(img2, scale));
        double s = scale * stride;
        for (int i = 0; i < sources.length; i++) {
            int src = sources[i], t = matches[src];
            double x0 = (src % grid1 + 0.5) * s, y0 = (src / grid1 + 0.5) * s;
            double x1 = img1.getWidth() * scale + (t % grid2 + 0.5) * s, y1 = (t / grid2 + 0.5) * s;
            Images.line(out, x0, y0, x1, y1, Images.distinctColor(i, sources.length), 1.5f);
        }
        return out;
    }

    /** The integer enlargement that brings a {@code side}-pixel image to at least 224 pixels (1 when it already is). */
    public static int displayScale(int side) { return Math.max(1, (int) Math.ceil(224.0 / side)); }

    /** {@code matches} as {@code [[sourceRow, sourceCol, targetRow, targetCol], ...]} for the listed sources. */
    public static int[][] pairs(int[] sources, int[] matches, int grid1, int grid2) {
        return Arrays.stream(sources).mapToObj(s -> new int[] {s / grid1, s % grid1, matches[s] / grid2, matches[s] % grid2}).toArray(int[][]::new);
    }
}
