package org.ibot4j.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The pre-training loader: each epoch shuffles the dataset with {@code (seed, epoch)} ({@link EpochSampler}), and
 * background workers decode, augment ({@link MultiCropAugmentation}) and mask ({@link MaskGenerator}) whole
 * batches ahead of compute, at most {@code 2 * workers} batches in flight; batches come out in order. Every sample's
 * randomness is drawn from {@link SampleSeeds#rng} of its position, so the batches of a (seed, epoch) are the same
 * whatever the number of workers. An unreadable image at position {@code p} is replaced by the next readable one in
 * the epoch order ({@code p+1, p+2, ...}, wrapping), the skipped images of an epoch are counted and the count is
 * reported on stderr when the epoch ends. {@code drop_last}: only full batches.
 */
public final class DataLoader implements AutoCloseable {
    private final Dataset dataset;
    private final MultiCropAugmentation augmentation;
    private final MaskGenerator masks;
    private final int maskCell, batchSize, workers;
    private final long seed;
    private final ExecutorService pool;

    /**
     * @param maskCell   pixels per mask cell ({@code patch_size} for ViT, {@code 8 * patch_size} for Swin)
     * @param batchSize  images per batch {@code B}
     * @param workers    background threads; 0 computes each batch on the calling thread
     * @param seed       {@code --seed}
     */
    public DataLoader(Dataset dataset, MultiCropAugmentation augmentation, MaskGenerator masks, int maskCell,
                      int batchSize, int workers, long seed) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (maskCell <= 0) throw new IllegalArgumentException("mask cell must be positive, got " + maskCell);
        if (workers < 0) throw new IllegalArgumentException("workers must be >= 0, got " + workers);
        if (dataset.size() < batchSize)
            throw new IllegalArgumentException("dataset has " + dataset.size() + " images, fewer than one batch of " + batchSize + " (drop_last)");
        this.dataset = dataset;
        this.augmentation = augmentation;
        this.masks = masks;
        this.maskCell = maskCell;
        this.batchSize = batchSize;
        this.workers = workers;
        this.seed = seed;
        this.pool = workers == 0 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "ibot-loader");
            t.setDaemon(true);
            return t;
        });
    }

    /** Full batches per epoch. */
    public int batchesPerEpoch() { return EpochSampler.batchesPerEpoch(dataset.size(), batchSize); }

    /** The batches of {@code epoch}, in order (iterate once). */
    public Epoch epoch(int epoch) { return new Epoch(epoch); }

    @Override
    public void close() { if (pool != null) pool.shutdownNow(); }

    /** One pass over the data; {@link #skipped()} counts the unreadable images met so far in this epoch. */
    public final class Epoch implements Iterable<Batch>, Iterator<Batch> {
        private final int epoch;
        private final int[] order;
        private final Set<Integer> bad = ConcurrentHashMap.newKeySet();
        private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
        private int submitted, delivered;
        private boolean reported;

        private Epoch(int epoch) {
            this.epoch = epoch;
            this.order = EpochSampler.permutation(dataset.size(), seed, epoch);
            if (pool != null) fill();
        }

        /** Distinct unreadable images skipped so far in this epoch. */
        public int skipped() { return bad.size(); }

        @Override public Iterator<Batch> iterator() { return this; }

        @Override public boolean hasNext() {
            boolean more = delivered < batchesPerEpoch();
            if (!more && !reported) {
                reported = true;
                if (!bad.isEmpty()) System.err.println("epoch " + epoch + ": skipped " + bad.size() + " unreadable image(s)");
            }
            return more;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has only " + batchesPerEpoch() + " batches");
            Batch b;
            if (pool == null) b = build(delivered);
            else {
                try {
                    b = inFlight.removeFirst().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("building batch " + delivered + " of epoch " + epoch + " failed: " + e.getCause(), e.getCause());
                }
            }
            delivered++;
            if (pool != null) fill();
            hasNext();
            return b;
        }

        private void fill() {
            while (submitted < batchesPerEpoch() && inFlight.size() < 2 * workers) {
                int k = submitted++;
                inFlight.addLast(pool.submit(() -> build(k)));
            }
        }

        private Batch build(int batch) {
            MultiCropConfig cfg = augmentation.config();
            int g = cfg.globalCropsNumber(), l = cfg.localCropsNumber(), gs = cfg.globalSize(), ls = cfg.localSize();
            int gh = gs / maskCell, lh = ls / maskCell, B = batchSize;
            float[] global = new float[g * B * 3 * gs * gs], local = new float[l * B * 3 * ls * ls];
            float[] gm = new float[g * B * gh * gh], lm = new float[l * B * lh * lh];
            int[] labels = new int[B], indices = new int[B];
            for (int b = 0; b < B; b++) {
                int pos = batch * B + b;
                RgbImage img = null;
                Rng rng = null;
                int idx = -1;
                for (int attempt = 0; img == null; attempt++) {
                    if (attempt >= order.length) throw new IllegalStateException("no readable image in the dataset");
                    idx = order[(pos + attempt) % order.length];
                    img = dataset.image(idx);
                    if (img == null) bad.add(idx);
                    else rng = SampleSeeds.rng(seed, epoch, pos, attempt);
                }
                List<RgbImage> views = augmentation.apply(img, rng);
                for (int c = 0; c < g + l; c++) {
                    boolean isGlobal = c < g;
                    int side = isGlobal ? gh : lh, row = (isGlobal ? c : c - g) * B + b;
                    boolean[] m = masks.mask(side, side, epoch, rng);
                    float[] dst = isGlobal ? gm : lm;
                    for (int i = 0; i < m.length; i++) dst[row * m.length + i] = m[i] ? 1f : 0f;
                    int s = isGlobal ? gs : ls;
                    Normalize.write(views.get(c), isGlobal ? global : local, row * 3 * s * s);
                }
                labels[b] = dataset.label(idx);
                indices[b] = idx;
            }
            return new Batch(Tensor.of(global, g * B, 3, gs, gs), l == 0 ? null : Tensor.of(local, l * B, 3, ls, ls),
                    Tensor.of(gm, g * B, gh, gh), l == 0 ? null : Tensor.of(lm, l * B, lh, lh), labels, indices);
        }
    }
}
