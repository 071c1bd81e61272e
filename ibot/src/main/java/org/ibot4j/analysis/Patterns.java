package org.ibot4j.analysis;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.ibot4j.data.RgbImage;

/**
 * Top-k pattern extraction (spec 9.6): for every image and position (patch, or the CLS) the largest head logit
 * and its index; the most frequent indices are the "patterns"; for each pattern the images are ranked by their
 * largest logit among positions assigned to it, and neighbourhoods around those positions are tiled.
 *
 * <p>Row {@code i} of the table belongs to image {@code i} of the input, and the crops are cut from that same
 * image (spec 11.20: the reference script unpacks its dataset items in the wrong order; this is the intended
 * semantics).
 */
public final class Patterns {
    private Patterns() {}

    /**
     * Per image and position the max logit and its argmax: row-major {@code [images × positions]}.
     *
     * @param positions patches per image (or 1 for the CLS)
     */
    public record Table(int images, int positions, float[] maxLogit, int[] argmax) {
        public Table {
            if (maxLogit.length != images * positions || argmax.length != images * positions)
                throw new IllegalArgumentException("table arrays must hold " + images + "x" + positions + " entries");
        }

        /** An empty table to fill. */
        public static Table allocate(int images, int positions) {
            return new Table(images, positions, new float[images * positions], new int[images * positions]);
        }

        /** Stores the max and argmax over {@code k} logits of every position of image {@code image} ({@code logits [positions·k]}). */
        public void put(int image, float[] logits, int k) {
            for (int p = 0; p < positions; p++) {
                int base = p * k, arg = 0;
                float best = logits[base];
                for (int j = 1; j < k; j++) if (logits[base + j] > best) { best = logits[base + j]; arg = j; }
                maxLogit[image * positions + p] = best;
                argmax[image * positions + p] = arg;
            }
        }
    }

    /** How often each of the {@code k} indices is the argmax, over all images and positions. */
    public static long[] counts(Table t, int k) {
        long[] out = new long[k];
        for (int a : t.argmax()) {
            if (a < 0 || a >= k) throw new IllegalArgumentException("argmax " + a + " outside [0, " + k + ")");
            out[a]++;
        }
        return out;
    }

    /** The {@code show} most frequent indices with a non-zero count, most frequent first, ties to the lower index. */
    public static int[] mostFrequent(long[] counts, int show) {
        return IntStream.range(0, counts.length).filter(i -> counts[i] > 0).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> -counts[i]).thenComparingInt(i -> i))
                .limit(Math.max(show, 0)).mapToInt(Integer::intValue).toArray();
    }

    /** One ranked occurrence: image {@code image}, its best position {@code position} for the pattern, and the logit. */
    public record Hit(int image, int position, float value) {}

    /**
     * The images having at least one position assigned to {@code pattern}, each with its best such position,
     * ranked by that logit (largest first, ties to the lower image index), at most {@code limit}.
     */
    public static List<Hit> rank(Table t, int pattern, int limit) {
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < t.images(); i++) {
            int bestPos = -1;
            float best = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < t.positions(); p++) {
                int j = i * t.positions() + p;
                if (t.argmax()[j] == pattern && t.maxLogit()[j] > best) { best = t.maxLogit()[j]; bestPos = p; }
            }
            if (bestPos >= 0) hits.add(new Hit(i, bestPos, best));
        }
        hits.sort(Comparator.<Hit>comparingDouble(h -> -h.value()).thenComparingInt(Hit::image));
        return hits.size() > limit ? new ArrayList<>(hits.subList(0, limit)) : hits;
    }

    /** A crop box in pixels and where the centre patch sits inside it. */
    public record Window(int left, int top, int size, int patchX, int patchY) {}

    /**
     * The {@code window×window}-patch neighbourhood of patch ({@code row}, {@code col}) of a {@code side}-pixel
     * square image with {@code stride}-pixel patches, shifted to stay inside the image (and shrunk to the image
     * when larger); with the centre patch's offset inside the crop.
     */
    public static Window window(int row, int col, int stride, int window, int side) {
        int size = Math.min(window * stride, side);
        int left = Math.max(0, Math.min((col - window / 2) * stride, side - size));
        int top = Math.max(0, Math.min((row - window / 2) * stride, side - size));
        return new Window(left, top, size, col * stride - left, row * stride - top);
    }

    /** Mean HSV value ({@code max(R,G,B)}, 0..255) of an image. */
    public static double meanValue(RgbImage img) {
        long sum = 0;
        for (int y = 0; y < img.height(); y++)
            for (int x = 0; x < img.width(); x++) sum += Math.max(img.get(x, y, 0), Math.max(img.get(x, y, 1), img.get(x, y, 2)));
        return (double) sum / ((long) img.width() * img.height());
    }

    /** Whether a crop is too dark to show: mean HSV value ≤ 40 (the reference's filter). */
    public static boolean tooDark(RgbImage crop) { return meanValue(crop) <= 40; }

    /** The crop of {@code w} with a translucent orange fill and outline over the centre patch. */
    public static BufferedImage highlighted(RgbImage img, Window w, int stride) {
        BufferedImage out = Images.toBuffered(img.crop(w.left(), w.top(), w.size(), w.size()));
        Graphics2D g = out.createGraphics();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.5f));
        g.setColor(new Color(200, 100, 0));
        g.fillRect(w.patchX(), w.patchY(), stride, stride);
        g.setComposite(AlphaComposite.SrcOver);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(w.patchX(), w.patchY(), stride - 1, stride - 1);
        g.dispose();
        return out;
    }

    /** Up to {@code topk} tiles of side {@code unit} in a {@code ceil(√topk)}-wide square grid (black background). */
    public static BufferedImage tile(List<BufferedImage> tiles, int topk, int unit) {
        int cols = (int) Math.ceil(Math.sqrt(topk));
        BufferedImage out = new BufferedImage(cols * unit, cols * unit, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        for (int i = 0; i < Math.min(tiles.size(), topk); i++) g.drawImage(tiles.get(i), (i % cols) * unit, (i / cols) * unit, unit, unit, null);
        g.dispose();
        return out;
    }
}
