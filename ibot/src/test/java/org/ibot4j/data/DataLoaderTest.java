package org.ibot4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** An in-memory dataset of noise images of varied sizes; indices in {@code bad} are unreadable. */
    private record FakeDataset(int n, Set<Integer> bad) implements Dataset {
        @Override public int size() { return n; }
        @Override public int label(int i) { return i % 3; }
        @Override public int numClasses() { return 3; }
        @Override public RgbImage image(int i) {
            if (bad.contains(i)) return null;
            Rng r = new Rng(i);
            int w = 30 + i % 7, h = 26 + i % 5;
            byte[] b = new byte[3 * w * h];
            for (int k = 0; k < b.length; k++) b[k] = (byte) r.nextInt(256);
            return new RgbImage(w, h, b);
        }
    }

    private static DataLoader loader(Dataset ds, int workers, long seed) {
        MultiCropAugmentation aug = new MultiCropAugmentation(new MultiCropConfig(2, 0.25, 1.0, 2, 0.05, 0.25, 32, 16));
        MaskGenerator masks = new MaskGenerator(MaskGenerator.Shape.BLOCK, new double[]{0, 0.3}, new double[]{0, 0.2}, 0);
        return new DataLoader(ds, aug, masks, 4, 4, workers, seed);
    }

    private static List<Batch> all(DataLoader l, int epoch) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : l.epoch(epoch)) out.add(b);
        return out;
    }

    @Test void batchShapesAreCropMajorWithDropLast() {
        try (DataLoader l = loader(new FakeDataset(11, Set.of()), 2, 0)) {
            List<Batch> bs = all(l, 0);
            assertEquals(2, bs.size(), "11 images in batches of 4 with drop_last");
            Batch b = bs.get(0);
            assertArrayEquals(new int[]{8, 3, 32, 32}, b.globalCrops().shape().dims());
            assertArrayEquals(new int[]{8, 3, 16, 16}, b.localCrops().shape().dims());
            assertArrayEquals(new int[]{8, 8, 8}, b.masks().shape().dims());
            assertArrayEquals(new int[]{8, 4, 4}, b.localMasks().shape().dims());
            for (int i = 0; i < 4; i++) assertEquals(b.indices()[i] % 3, b.labels()[i]);
            for (float v : b.masks().toArray()) assertTrue(v == 0f || v == 1f);
            Set<Integer> seen = new HashSet<>();
            for (Batch x : bs) for (int i : x.indices()) assertTrue(seen.add(i), "index " + i + " twice in an epoch");
        }
    }

    @Test void batchesDependOnlyOnSeedAndEpochNotOnWorkers() {
        FakeDataset ds = new FakeDataset(12, Set.of());
        List<Batch> serial, parallel, otherEpoch;
        try (DataLoader l = loader(ds, 0, 7)) { serial = all(l, 3); }
        try (DataLoader l = loader(ds, 3, 7)) { parallel = all(l, 3); otherEpoch = all(l, 4); }
        assertEquals(serial.size(), parallel.size());
        for (int k = 0; k < serial.size(); k++) {
            assertArrayEquals(serial.get(k).indices(), parallel.get(k).indices());
            assertArrayEquals(serial.get(k).globalCrops().toArray(), parallel.get(k).globalCrops().toArray());
            assertArrayEquals(serial.get(k).localCrops().toArray(), parallel.get(k).localCrops().toArray());
            assertArrayEquals(serial.get(k).masks().toArray(), parallel.get(k).masks().toArray());
        }
        assertFalse(Arrays.equals(serial.get(0).globalCrops().toArray(), otherEpoch.get(0).globalCrops().toArray()));
    }

    @Test void epochPermutationIsSeededAndComplete() {
        int[] a = EpochSampler.permutation(100, 5, 2), b = EpochSampler.permutation(100, 5, 2), c = EpochSampler.permutation(100, 5, 3);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) assertEquals(i, sorted[i]);
    }

    @Test void unreadableImagesAreReplacedDeterministicallyAndCounted() {
        FakeDataset ds = new FakeDataset(12, Set.of(2, 5, 9));
        try (DataLoader l0 = loader(ds, 0, 1); DataLoader l2 = loader(ds, 2, 1)) {
            DataLoader.Epoch e0 = l0.epoch(0), e2 = l2.epoch(0);
            List<int[]> i0 = new ArrayList<>(), i2 = new ArrayList<>();
            for (Batch b : e0) i0.add(b.indices());
            for (Batch b : e2) i2.add(b.indices());
            assertEquals(3, i0.size());
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(i0.get(k), i2.get(k));
                for (int i : i0.get(k)) assertFalse(ds.bad().contains(i), "unreadable index " + i + " in a batch");
            }
            assertEquals(3, e0.skipped());
            assertEquals(3, e2.skipped());
        }
    }

    @Test void noMasksBeforePredStartEpoch() {
        MultiCropAugmentation aug = new MultiCropAugmentation(new MultiCropConfig(2, 0.25, 1.0, 0, 0.05, 0.25, 32, 16));
        MaskGenerator masks = new MaskGenerator(MaskGenerator.Shape.BLOCK, new double[]{0.3}, new double[]{0.2}, 2);
        try (DataLoader l = new DataLoader(new FakeDataset(8, Set.of()), aug, masks, 4, 4, 1, 0)) {
            for (Batch b : l.epoch(1)) {
                assertNull(b.localCrops());
                for (float v : b.masks().toArray()) assertEquals(0f, v);
            }
            double sum = 0;
            int n = 0;
            for (Batch b : l.epoch(2)) for (float v : b.masks().toArray()) { sum += v; n++; }
            assertTrue(sum / n > 0.1 && sum / n < 0.5, "mask ratio " + sum / n);
        }
    }

    @Test void rejectsDatasetsSmallerThanOneBatch() {
        assertThrows(IllegalArgumentException.class, () -> loader(new FakeDataset(3, Set.of()), 0, 0));
    }
}
