package org.ibot4j.eval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.train.ProgressBar;

/**
 * Frozen-backbone features of a labelled dataset for k-NN and linear evaluation (spec 9.2, 9.3): each image
 * through the evaluation transform, batched, without a graph. What a feature is comes from {@link Mode}: the
 * final-norm CLS tokens of the last {@code n} blocks ({@code avgpool 0}), the mean patch token of the last block
 * ({@code avgpool 1}), or both ({@code avgpool 2}); or, as a baseline, the normalised pixels themselves.
 * Only the {@link Backbone} API is used, so ViT and Swin (whose row 0 is the mean token) work alike.
 */
public final class Features {
    /** Features {@code [n, D]} row-major and the labels of the same images. */
    public record Set(float[] features, int[] labels, int dim) {
        public Set {
            if (dim <= 0) throw new IllegalArgumentException("feature dim must be > 0, got " + dim);
            if ((long) labels.length * dim != features.length)
                throw new IllegalArgumentException(labels.length + " labels but " + features.length + " feature values of dim " + dim);
        }

        public int size() { return labels.length; }

        /** Number of classes implied by the labels (largest + 1). */
        public int classes() {
            int c = 0;
            for (int l : labels) c = Math.max(c, l + 1);
            return c;
        }
    }

    /**
     * What one image's feature is made of (the reference's {@code n_last_blocks} and {@code avgpool_patchtokens}).
     *
     * @param nLastBlocks blocks whose row-0 token is taken (avgpool 0 and 2)
     * @param avgpool     0 = CLS of the last n blocks concatenated; 1 = mean patch token of the last block;
     *                    2 = CLS of the last n blocks then the mean patch token of the last block. Tokens are
     *                    final-normed as {@code get_intermediate_layers} returns them (the reference's linear
     *                    evaluation); its k-NN script instead builds a mean-pooling model for avgpool 1 and so
     *                    averages tokens before any norm
     */
    public record Mode(int nLastBlocks, int avgpool) {
        public Mode {
            if (nLastBlocks < 1) throw new IllegalArgumentException("n_last_blocks must be >= 1, got " + nLastBlocks);
            if (avgpool < 0 || avgpool > 2) throw new IllegalArgumentException("avgpool_patchtokens must be 0, 1 or 2, got " + avgpool);
        }

        /** The k-NN default: the final-norm CLS token of the last block. */
        public static final Mode CLS = new Mode(1, 0);

        /** Blocks the backbone must return (avgpool 1 needs only the last). */
        public int blocksNeeded() { return avgpool == 1 ? 1 : nLastBlocks; }

        @Override public String toString() {
            String cls = nLastBlocks == 1 ? "CLS token of the last block" : "CLS tokens of the last " + nLastBlocks + " blocks";
            return switch (avgpool) {
                case 0 -> cls;
                case 1 -> "mean patch token of the last block";
                default -> cls + " + mean patch token of the last block";
            };
        }
    }

    private Features() {}

    /** The final-norm CLS features of the first {@code n} images (avgpool 0, one block); silent. */
    public static Set cls(Backbone backbone, Dataset data, int n, EvalTransform transform, int batch) {
        return extract(backbone, Mode.CLS, data, n, transform, batch, null, "");
    }

    /**
     * The features of the first {@code n} images of {@code data} in mode {@code mode}, {@code batch} images per
     * forward pass; progress on {@code progress} (null: silent) under the name {@code what}. An image that
     * cannot be decoded is an error naming its index.
     */
    public static Set extract(Backbone backbone, Mode mode, Dataset data, int n, EvalTransform transform, int batch,
                              PrintWriter progress, String what) {
        if (batch < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
        if (mode.blocksNeeded() > backbone.depth())
            throw new IllegalArgumentException("n_last_blocks " + mode.nLastBlocks() + " exceeds the backbone's " + backbone.depth() + " blocks");
        int count = Math.min(n, data.size());
        int[] labels = new int[count];
        float[] out = null;
        int dim = 0;
        Progress bar = new Progress(progress, what, count);
        org.ibot4j.runtime.tensor.Device device = backbone.parameters().get(0).tensor().device();
        try (var s = GradMode.noGrad()) {
            for (int start = 0; start < count; start += batch) {
                int end = Math.min(count, start + batch);
                Tensor x = images(data, start, end, transform, labels, what).to(device);  // on a GPU backbone: one upload
                Tensor f = fromLayers(backbone.intermediateLayers(x, mode.blocksNeeded()), mode).contiguous();
                if (out == null) {
                    dim = f.dim(1);
                    long total = (long) count * dim;
                    if (total > Integer.MAX_VALUE - 8)
                        throw new IllegalArgumentException(count + " features of dim " + dim + " do not fit in one array; use --train_subset/--val_subset");
                    out = new float[(int) total];
                }
                f.copyInto(out, start * dim);
                bar.update(end);
            }
        }
        if (out == null) throw new IllegalArgumentException("no images in the " + (what.isEmpty() ? "dataset" : what + " split"));
        return new Set(out, labels, dim);
    }

    /**
     * The raw-pixel baseline: each image through the evaluation transform (normalised), flattened to
     * {@code 3·S·S} values.
     */
    public static Set pixels(Dataset data, int n, EvalTransform transform, PrintWriter progress, String what) {
        int count = Math.min(n, data.size());
        if (count == 0) throw new IllegalArgumentException("no images in the " + (what.isEmpty() ? "dataset" : what + " split"));
        int dim = 3 * transform.crop() * transform.crop();
        if ((long) count * dim > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(count + " pixel features of dim " + dim + " do not fit in one array; use a smaller --image_size or subset");
        float[] out = new float[count * dim];
        int[] labels = new int[count];
        Progress bar = new Progress(progress, what, count);
        for (int i = 0; i < count; i++) {
            transform.apply(decode(data, i, what)).copyInto(out, i * dim);
            labels[i] = data.label(i);
            bar.update(i + 1);
        }
        return new Set(out, labels, dim);
    }

    /**
     * One batch's features from the backbone's last-block outputs ({@code [B, 1+P, D_i]} each, oldest first):
     * {@code [B, F]} as {@link Mode} describes.
     */
    public static Tensor fromLayers(List<Tensor> layers, Mode mode) {
        int nl = layers.size();
        if (nl < mode.blocksNeeded())
            throw new IllegalArgumentException("need the last " + mode.blocksNeeded() + " block outputs, got " + nl);
        Tensor last = layers.get(nl - 1);
        List<Tensor> parts = new ArrayList<>();
        if (mode.avgpool() != 1)
            for (int i = nl - mode.nLastBlocks(); i < nl; i++) parts.add(layers.get(i).select(1, 0));
        if (mode.avgpool() != 0) {
            if (last.dim(1) < 2) throw new IllegalArgumentException("the backbone output has no patch tokens to average");
            parts.add(last.slice(1, 1, last.dim(1)).mean(1, false));
        }
        return parts.size() == 1 ? parts.get(0).contiguous() : Tensor.concat(parts, 1);
    }

    /** k-NN top-1 (fraction) of {@code test} against {@code train}. */
    public static double knnTop1(Set train, Set test, int k) {
        return Knn.classify(train.features(), train.labels(), test.features(), test.labels(), train.dim(), k, Knn.DEFAULT_T).top1();
    }

    private static Tensor images(Dataset data, int start, int end, EvalTransform transform, int[] labels, String what) {
        List<Tensor> imgs = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            Tensor t = transform.apply(decode(data, i, what));
            imgs.add(t.reshape(1, t.dim(0), t.dim(1), t.dim(2)));
            labels[i] = data.label(i);
        }
        return Tensor.concat(imgs, 0);
    }

    private static RgbImage decode(Dataset data, int i, String what) {
        RgbImage img = data.image(i);
        if (img == null) throw new IllegalStateException((what.isEmpty() ? "" : what + " ") + "image " + i + " cannot be read or decoded");
        return img;
    }

    /** A one-line "name [####....] done/total img/s ETA" display, redrawn in place at most 5 times a second. */
    static final class Progress {
        private final PrintWriter out;
        private final String what;
        private final int total;
        private final long start = System.nanoTime();
        private long lastDraw;

        Progress(PrintWriter out, String what, int total) {
            this.out = out;
            this.what = what;
            this.total = total;
        }

        void update(int done) {
            if (out == null) return;
            long now = System.nanoTime();
            if (done < total && now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            out.print("\r" + render(done, total, (now - start) / 1e9, what));
            if (done >= total) out.println();
            out.flush();
        }

        static String render(int done, int total, double seconds, String what) {
            double ips = seconds > 0 ? done / seconds : 0;
            return String.format(Locale.ROOT, "features %s %s %d/%d  %.1f img/s  ETA %s", what, ProgressBar.bar(done, total),
                    done, total, ips, ProgressBar.hms(ProgressBar.eta(done, total, seconds)));
        }
    }
}
