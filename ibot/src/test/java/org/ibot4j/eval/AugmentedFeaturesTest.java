package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.HorizontalFlip;
import org.ibot4j.data.Normalize;
import org.ibot4j.data.PilResize;
import org.ibot4j.data.RandomResizedCrop;
import org.ibot4j.data.RgbImage;
import org.ibot4j.data.SampleSeeds;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The per-epoch augmented training features of {@code eval_linear --train_augment} on the tiny ViT of
 * {@link FeaturesTest}: epochs differ, a seed reproduces them exactly whatever the thread count, each row is the
 * backbone's feature of the seeded bilinear crop + flip of its image, and the sweep trains on each epoch's set.
 */
class AugmentedFeaturesTest {
    static final Features.Mode MODE = new Features.Mode(2, 0);

    @Test
    void epochsDifferAndSeedsReproduce() throws Exception {
        VisionTransformer m = FeaturesTest.model();
        Dataset data = FeaturesTest.images(5, -1);
        AugmentedFeatures aug = new AugmentedFeatures(m, MODE, data, 5, 32, 2, 7);
        Features.Set e0 = aug.epoch(0, null), e1 = aug.epoch(1, null);
        assertEquals(32, e0.dim());
        assertEquals(5, e0.size());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, e0.labels());
        assertArrayEquals(e0.labels(), e1.labels());
        assertFalse(Arrays.equals(e0.features(), e1.features()), "two epochs give different features");
        for (int i = 0; i < 5; i++)
            assertFalse(Arrays.equals(Arrays.copyOfRange(e0.features(), i * 32, i * 32 + 32), Arrays.copyOfRange(e1.features(), i * 32, i * 32 + 32)),
                    "image " + i + " is re-augmented");

        AugmentedFeatures again = new AugmentedFeatures(m, MODE, data, 5, 32, 2, 7);
        assertArrayEquals(e1.features(), again.epoch(1, null).features(), "same seed, same epoch: identical");
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            assertArrayEquals(e1.features(), one.submit(() -> again.epoch(1, null)).get().features(), "one preparing thread: identical");
        } finally {
            one.shutdown();
        }
        assertFalse(Arrays.equals(e0.features(), new AugmentedFeatures(m, MODE, data, 5, 32, 2, 8).epoch(0, null).features()),
                "another seed, other crops");
    }

    @Test
    void rowsAreTheBackboneFeaturesOfTheSeededBilinearCropAndFlip() {
        VisionTransformer m = FeaturesTest.model();
        Dataset data = FeaturesTest.images(3, -1);
        Features.Set got = new AugmentedFeatures(m, MODE, data, 3, 32, 3, 11).epoch(4, null);
        int i = 2;
        Rng rng = SampleSeeds.rng(11, 4, i, 0);
        RgbImage crop = new RandomResizedCrop(32, 0.08, 1.0).apply(data.image(i), rng, PilResize.Filter.BILINEAR);
        assertEquals(32, crop.width());
        float[] x = new float[3 * 32 * 32];
        Normalize.write(new HorizontalFlip(0.5).apply(crop, rng), x, 0);
        float[] want;
        try (var s = GradMode.noGrad()) {
            List<Tensor> layers = m.intermediateLayers(Tensor.of(x, 1, 3, 32, 32), 2);
            want = Features.fromLayers(layers, MODE).toArray();
        }
        float[] row = Arrays.copyOfRange(got.features(), i * 32, i * 32 + 32);
        for (int d = 0; d < 32; d++) assertEquals(want[d], row[d], 1e-4f, "dim " + d);
    }

    @Test
    void sweepTrainsOnEachEpochsFeaturesAndChecksThem() {
        int n = 8, f = 4;
        Rng rng = new Rng(3);
        float[] a = new float[n * f], b = new float[n * f];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int d = 0; d < f; d++) {
                a[i * f + d] = (float) rng.nextGaussian() + (d == 0 ? 2 * labels[i] : 0);
                b[i * f + d] = (float) rng.nextGaussian() + (d == 0 ? 2 * labels[i] : 0);
            }
        }
        Features.Set sa = new Features.Set(a, labels, f), sb = new Features.Set(b, labels, f);
        LinearSweep.Config cfg = new LinearSweep.Config(new double[] {0.5, 5}, 3, 4, 0.9, 0, 1, 1);
        List<double[]> fixedLoss = new ArrayList<>(), fnLoss = new ArrayList<>(), varLoss = new ArrayList<>();
        LinearSweep.Result fixed = LinearSweep.train(sa, sa, 2, cfg, e -> fixedLoss.add(e.trainLoss()));
        LinearSweep.Result viaFn = LinearSweep.train(sa, e -> sa, sa, 2, cfg, e -> fnLoss.add(e.trainLoss()));
        assertArrayEquals(fixed.weight(), viaFn.weight(), "a constant provider is the plain sweep");
        for (int e = 0; e < 3; e++) assertArrayEquals(fixedLoss.get(e), fnLoss.get(e));
        int[] asked = new int[3];
        LinearSweep.train(sa, e -> { asked[e]++; return e % 2 == 0 ? sa : sb; }, sa, 2, cfg, e -> varLoss.add(e.trainLoss()));
        assertArrayEquals(new int[] {0, 1, 1}, asked, "epoch 0 uses the given set; later epochs ask once each");
        assertArrayEquals(fixedLoss.get(0), varLoss.get(0), "epoch 1 trains on the same features");
        assertFalse(Arrays.equals(fixedLoss.get(1), varLoss.get(1)), "epoch 2 trains on its own features");

        Features.Set shorter = new Features.Set(Arrays.copyOf(a, (n - 1) * f), Arrays.copyOf(labels, n - 1), f);
        var ex = assertThrows(IllegalArgumentException.class, () -> LinearSweep.train(sa, e -> shorter, sa, 2, cfg, null));
        assertTrue(ex.getMessage().contains("epoch 2 train features"), ex.getMessage());
    }
}
