package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.ibot4j.runtime.io.Npy;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature cache round-trips exactly, and files that do not fit together are named. */
class FeatureCacheTest {
    @TempDir Path dir;

    static FeatureCache.Pair pair() {
        float[] tf = new float[4 * 3], vf = new float[2 * 3];
        for (int i = 0; i < tf.length; i++) tf[i] = i * 0.25f - 1;
        for (int i = 0; i < vf.length; i++) vf[i] = -i * 0.5f;
        return new FeatureCache.Pair(new Features.Set(tf, new int[] {0, 1, 2, 1}, 3), new Features.Set(vf, new int[] {2, 0}, 3));
    }

    @Test
    void roundTrip() throws IOException {
        assertFalse(FeatureCache.present(dir));
        FeatureCache.save(dir, pair());
        assertTrue(FeatureCache.present(dir));
        FeatureCache.Pair back = FeatureCache.load(dir);
        assertArrayEquals(pair().train().features(), back.train().features());
        assertArrayEquals(pair().train().labels(), back.train().labels());
        assertArrayEquals(pair().val().features(), back.val().features());
        assertArrayEquals(pair().val().labels(), back.val().labels());
        assertEquals(3, back.train().dim());
        assertArrayEquals(new int[] {4, 3}, Npy.load(dir.resolve("trainfeat.npy")).dims());
        assertArrayEquals(new int[] {2}, Npy.load(dir.resolve("vallabels.npy")).dims());
    }

    @Test
    void misfitsAreNamed() throws IOException {
        FeatureCache.save(dir, pair());
        Npy.save(dir.resolve("vallabels.npy"), Tensor.of(new float[] {1, 0, 1}, 3));
        Exception e = assertThrows(IllegalArgumentException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("valfeat.npy has 2 rows but vallabels.npy has 3"), e.getMessage());

        FeatureCache.save(dir, pair());
        Npy.save(dir.resolve("valfeat.npy"), Tensor.zeros(2, 5));
        e = assertThrows(IllegalArgumentException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("dim 3") && e.getMessage().contains("dim 5"), e.getMessage());

        FeatureCache.save(dir, pair());
        Npy.save(dir.resolve("trainlabels.npy"), Tensor.of(new float[] {0, 1.5f, 2, 1}, 4));
        e = assertThrows(IllegalArgumentException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("not a class index"), e.getMessage());

        Files.delete(dir.resolve("trainfeat.npy"));
        e = assertThrows(NoSuchFileException.class, () -> FeatureCache.load(dir));
        assertTrue(e.getMessage().contains("trainfeat.npy"), e.getMessage());
    }
}
