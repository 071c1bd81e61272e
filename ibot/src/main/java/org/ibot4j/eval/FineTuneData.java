package org.ibot4j.eval;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.EpochSampler;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.PilResize;
import org.ibot4j.data.HorizontalFlip;
import org.ibot4j.data.Normalize;
import org.ibot4j.data.RandomErasing;
import org.ibot4j.data.RandomResizedCrop;
import org.ibot4j.data.RgbImage;
import org.ibot4j.data.SampleSeeds;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The batches of fine-tuning (spec 9.4). Training, per image: bicubic {@code RandomResizedCrop(S, scale (0.08, 1))},
 * horizontal flip 0.5, {@code ToTensor}+ImageNet normalisation, random erasing; then per batch Mixup/CutMix with
 * smoothed soft targets ({@link Mixup}). RandAugment is not implemented. Evaluation as the reference's
 * {@code build_transform}: resize of the shorter side to {@code int(S / crop_pct)} with PIL bilinear
 * ({@code interpolation=2}; crop_pct 0.875 below 384 px, else 1) and centre crop {@code S} ({@link EvalTransform}).
 *
 * <p>Each epoch's order is a permutation drawn from {@code (seed, epoch)}, incomplete last batch dropped; every
 * image's augmentation comes from its (seed, epoch, position) stream and every batch's mixing from its
 * (seed, epoch, batch) stream, so batches do not depend on the number of worker threads, and a resumed run sees
 * the same batches. Background workers prepare up to {@code 2·workers} batches ahead, delivered in order. An
 * unreadable training image is replaced by the next readable one in the epoch order.
 */
public final class FineTuneData implements AutoCloseable {
    private static final long MIX_SALT = 0x4D69785570436D78L;

    /** Normalised images {@code [B, 3, S, S]}, soft targets {@code [B, C]} and the original labels. */
    public record TrainBatch(Tensor images, Tensor targets, int[] labels) {}

    /** Normalised evaluation images {@code [b, 3, S, S]} and labels. */
    public record ValBatch(Tensor images, int[] labels) {}

    private final Dataset train, val;
    private final int size, batchSize;
    private final RandomResizedCrop crop;
    private final HorizontalFlip flip = new HorizontalFlip(0.5);
    private final RandomErasing erasing;
    private final Mixup mixup;
    private final EvalTransform evalTransform;
    private final long seed;
    private final int workers;
    private final ExecutorService pool;

    public FineTuneData(Dataset train, Dataset val, FineTuneConfig c, int numClasses) {
        if (train.size() < c.batchSize())
            throw new IllegalArgumentException("the training split has " + train.size() + " images, fewer than one batch of " + c.batchSize() + " (--batch_size)");
        this.train = train;
        this.val = val;
        this.size = c.imageSize();
        this.batchSize = c.batchSize();
        this.crop = new RandomResizedCrop(size, 0.08, 1.0);
        this.erasing = new RandomErasing(c.reprob());
        this.mixup = c.mixupFor(numClasses);
        this.evalTransform = evalTransform(size);
        this.seed = c.seed();
        this.workers = c.numWorkers();
        this.pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "finetune-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /** The reference evaluation transform for crop {@code s}: shorter side {@code int(s / 0.875)}, centre crop. */
    public static EvalTransform evalTransform(int s) {
        return new EvalTransform(s, s < 384 ? (int) (s * 256.0 / 224.0) : s, PilResize.Filter.BILINEAR);
    }

    /** Full training batches per epoch. */
    public int trainBatches() { return EpochSampler.batchesPerEpoch(train.size(), batchSize); }

    /** Evaluation batches (the last one may be smaller). */
    public int valBatches() { return (val.size() + batchSize - 1) / batchSize; }

    /** The training batches of {@code epoch}, in order. */
    public Iterator<TrainBatch> epoch(int epoch) {
        int[] order = EpochSampler.permutation(train.size(), seed, epoch);
        return new Prefetch<>(trainBatches(), k -> trainBatch(order, epoch, k));
    }

    /** The evaluation batches, in dataset order. */
    public Iterator<ValBatch> val() { return new Prefetch<>(valBatches(), this::valBatch); }

    /** Training batch {@code k} of an epoch whose order is {@code order}. */
    TrainBatch trainBatch(int[] order, int epoch, int k) {
        int plane = 3 * size * size, c = mixup.numClasses();
        float[] x = new float[batchSize * plane], targets = new float[batchSize * c];
        int[] labels = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            int pos = k * batchSize + b;
            RgbImage img = null;
            Rng rng = null;
            int idx = -1;
            for (int attempt = 0; img == null; attempt++) {
                if (attempt >= order.length) throw new IllegalStateException("no readable image in the training split");
                idx = order[(pos + attempt) % order.length];
                img = train.image(idx);
                if (img != null) rng = SampleSeeds.rng(seed, epoch, pos, attempt);
            }
            RgbImage view = flip.apply(crop.apply(img, rng), rng);
            Normalize.write(view, x, b * plane);
            erasing.apply(x, b * plane, 3, size, size, rng);
            labels[b] = train.label(idx);
        }
        mixup.apply(x, batchSize, 3, size, size, labels, targets, SampleSeeds.rng(seed ^ MIX_SALT, epoch, k, 0));
        return new TrainBatch(Tensor.of(x, batchSize, 3, size, size), Tensor.of(targets, batchSize, c), labels);
    }

    private ValBatch valBatch(int k) {
        int start = k * batchSize, n = Math.min(batchSize, val.size() - start), plane = 3 * size * size;
        float[] x = new float[n * plane];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            RgbImage img = val.image(start + i);
            if (img == null) throw new IllegalStateException("validation image " + (start + i) + " cannot be read");
            evalTransform.apply(img).copyInto(x, i * plane);
            labels[i] = val.label(start + i);
        }
        return new ValBatch(Tensor.of(x, n, 3, size, size), labels);
    }

    @Override public void close() { if (pool != null) pool.shutdownNow(); }

    /** {@code count} items built by {@code build} on the pool (or inline), delivered in order. */
    private final class Prefetch<T> implements Iterator<T> {
        private final int count;
        private final IntFunction<T> build;
        private final ArrayDeque<Future<T>> inFlight = new ArrayDeque<>();
        private int submitted, delivered;

        Prefetch(int count, IntFunction<T> build) {
            this.count = count;
            this.build = build;
            fill();
        }

        private void fill() {
            if (pool == null) return;
            while (submitted < count && inFlight.size() < 2 * workers) {
                int k = submitted++;
                inFlight.addLast(pool.submit(() -> build.apply(k)));
            }
        }

        @Override public boolean hasNext() { return delivered < count; }

        @Override public T next() {
            if (!hasNext()) throw new NoSuchElementException();
            T t;
            if (pool == null) t = build.apply(delivered);
            else {
                try {
                    t = inFlight.removeFirst().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch", e);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) throw re;
                    throw new IllegalStateException("preparing batch " + delivered + " failed: " + cause, cause);
                }
            }
            delivered++;
            fill();
            return t;
        }
    }
}
