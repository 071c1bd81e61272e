package org.ibot4j.eval;

import java.io.PrintWriter;
import java.util.stream.IntStream;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.HorizontalFlip;
import org.ibot4j.data.Normalize;
import org.ibot4j.data.PilResize;
import org.ibot4j.data.RandomResizedCrop;
import org.ibot4j.data.RgbImage;
import org.ibot4j.data.SampleSeeds;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The linear evaluation's training features with the reference's train-time augmentation (spec 9.3):
 * every epoch each training image goes through {@code RandomResizedCrop(S, scale (0.08, 1), ratio (3/4, 4/3))}
 * with PIL bilinear, a horizontal flip with probability 0.5, {@code ToTensor} + ImageNet normalisation, and then
 * the frozen backbone (no graph, batched). Image {@code i} of epoch {@code e} draws from the
 * {@code (seed, e, i)} stream of {@link SampleSeeds}, so the features do not depend on how many threads
 * prepare the images; images of a batch are prepared in parallel.
 *
 * @param backbone the frozen backbone
 * @param mode     what a feature is made of
 * @param data     the training split
 * @param count    how many of its first images are used
 * @param size     crop side S
 * @param batch    images per forward pass
 * @param seed     seed of the augmentation streams
 */
public record AugmentedFeatures(Backbone backbone, Features.Mode mode, Dataset data, int count, int size, int batch, long seed) {
    private static final HorizontalFlip FLIP = new HorizontalFlip(0.5);

    public AugmentedFeatures {
        if (batch < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batch);
        if (mode.blocksNeeded() > backbone.depth())
            throw new IllegalArgumentException("n_last_blocks " + mode.nLastBlocks() + " exceeds the backbone's " + backbone.depth() + " blocks");
        count = Math.min(count, data.size());
        if (count == 0) throw new IllegalArgumentException("no images in the train split");
    }

    /** The training features of 0-based {@code epoch}; progress on {@code progress} (null: silent). */
    public Features.Set epoch(int epoch, PrintWriter progress) {
        RandomResizedCrop crop = new RandomResizedCrop(size, 0.08, 1.0);
        int plane = 3 * size * size;
        int[] labels = new int[count];
        float[] out = null;
        int dim = 0;
        Features.Progress bar = new Features.Progress(progress, "train (epoch " + (epoch + 1) + ")", count);
        try (var s = GradMode.noGrad()) {
            for (int start = 0; start < count; start += batch) {
                int end = Math.min(count, start + batch), n = end - start, s0 = start;
                float[] x = new float[n * plane];
                IntStream.range(start, end).parallel().forEach(i -> {
                    RgbImage img = data.image(i);
                    if (img == null) throw new IllegalStateException("train image " + i + " cannot be read or decoded");
                    var rng = SampleSeeds.rng(seed, epoch, i, 0);
                    RgbImage view = FLIP.apply(crop.apply(img, rng, PilResize.Filter.BILINEAR), rng);
                    Normalize.write(view, x, (i - s0) * plane);
                    labels[i] = data.label(i);
                });
                Tensor f = Features.fromLayers(backbone.intermediateLayers(Tensor.of(x, n, 3, size, size), mode.blocksNeeded()), mode).contiguous();
                if (out == null) {
                    dim = f.dim(1);
                    long total = (long) count * dim;
                    if (total > Integer.MAX_VALUE - 8)
                        throw new IllegalArgumentException(count + " features of dim " + dim + " do not fit in one array; use --train_subset");
                    out = new float[(int) total];
                }
                f.copyInto(out, start * dim);
                bar.update(end);
            }
        }
        return new Features.Set(out, labels, dim);
    }
}
