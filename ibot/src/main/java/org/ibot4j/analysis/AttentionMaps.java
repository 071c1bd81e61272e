package org.ibot4j.analysis;

import java.util.Arrays;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The arithmetic of the attention-map visualisation (spec 9.6): the CLS query's attention over the patch keys per
 * head, the mass threshold, nearest up-sampling, and the head assignment of the colour composite.
 */
public final class AttentionMaps {
    private AttentionMaps() {}

    /** Per head, the CLS row of one image's last-layer attention over the patches: {@code maps[head][gh·gw]}, row-major. */
    public record Maps(int heads, int gh, int gw, float[][] values) {}

    /**
     * The CLS-to-patch rows of a ViT's last attention {@code [1, heads, 1+gh·gw, 1+gh·gw]}. A backbone whose
     * attention is windowed (Swin: {@code [N·windows, heads, w², w²]}) has no global CLS row: that is an error
     * naming the backbone.
     */
    public static Maps clsRows(Backbone model, Tensor attention, int gh, int gw) {
        int p = gh * gw;
        if (attention == null || attention.rank() != 4 || attention.dim(0) != 1 || attention.dim(2) != 1 + p || attention.dim(3) != 1 + p
                || model.tokenStride() != model.patchSize())
            throw new IllegalArgumentException("CLS attention maps need a ViT with global attention; " + model.describe()
                    + " gave attention " + (attention == null ? "null" : attention.shape().toString())
                    + " (windowed attention, e.g. Swin's [N*windows, heads, w*w, w*w], has no CLS row over the " + gh + "x" + gw + " grid)");
        int heads = attention.dim(1);
        float[][] out = new float[heads][p];
        for (int h = 0; h < heads; h++) {
            Tensor row = attention.select(0, 0).select(0, h).select(0, 0).slice(0, 1, 1 + p).contiguous();
            row.copyInto(out[h], 0);
        }
        return new Maps(heads, gh, gw, out);
    }

    /**
     * The positions kept by the mass threshold: sort ascending, normalise to sum 1, cumulative sum, keep the
     * positions whose cumulative sum exceeds {@code 1 − threshold} (the smallest set holding {@code threshold} of
     * the mass). Equal values are ordered by position (a stable sort). All-zero input keeps nothing.
     */
    public static boolean[] threshold(float[] attention, double threshold) {
        int n = attention.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(attention[a], attention[b]));
        double total = 0;
        for (float v : attention) total += v;
        boolean[] keep = new boolean[n];
        if (!(total > 0)) return keep;
        double cum = 0;
        for (int k = 0; k < n; k++) {
            cum += attention[order[k]] / total;
            keep[order[k]] = cum > 1 - threshold;
        }
        return keep;
    }

    /** {@code map [h·w]} up-sampled by {@code factor} with nearest neighbour: {@code [h·factor · w·factor]}, row-major. */
    public static float[] upsampleNearest(float[] map, int h, int w, int factor) {
        if (map.length != h * w) throw new IllegalArgumentException("map has " + map.length + " values, expected " + h + "x" + w);
        int oh = h * factor, ow = w * factor;
        float[] out = new float[oh * ow];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) out[y * ow + x] = map[(y / factor) * w + x / factor];
        return out;
    }

    /** A mask as 0/1 floats. */
    public static float[] asFloats(boolean[] mask) {
        float[] out = new float[mask.length];
        for (int i = 0; i < mask.length; i++) out[i] = mask[i] ? 1f : 0f;
        return out;
    }

    /**
     * The head owning each pixel in the colour composite: the head with the largest thresholded attention
     * {@code attention·mask}, ties to the lowest head; −1 where every head's value is ≤ 0 (nothing to show).
     */
    public static int[] owners(float[][] thresholded) {
        int n = thresholded[0].length;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = -1;
            float bv = 0f;
            for (int h = 0; h < thresholded.length; h++)
                if (thresholded[h][i] > bv) { bv = thresholded[h][i]; best = h; }
            out[i] = best;
        }
        return out;
    }

    /**
     * The per-head composite intensities: each head keeps only its owned pixels, is normalised to [0, 1] by its own
     * min and max over the map, values ≤ 0.2 are hidden (0) and the rest square-root scaled. {@code [heads][pixels]}.
     */
    public static float[][] compositeIntensities(float[][] thresholded) {
        int heads = thresholded.length, n = thresholded[0].length;
        int[] own = owners(thresholded);
        float[][] out = new float[heads][n];
        for (int h = 0; h < heads; h++) {
            float[] m = new float[n];
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                m[i] = own[i] == h ? thresholded[h][i] : 0f;
                lo = Math.min(lo, m[i]);
                hi = Math.max(hi, m[i]);
            }
            if (!(hi > lo)) continue; // flat map: nothing visible
            for (int i = 0; i < n; i++) {
                float v = (m[i] - lo) / (hi - lo);
                out[h][i] = v > 0.2f ? (float) Math.sqrt(v) : 0f;
            }
        }
        return out;
    }
}
