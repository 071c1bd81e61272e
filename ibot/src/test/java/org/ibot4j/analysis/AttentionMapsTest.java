package org.ibot4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The attention-map arithmetic of spec 9.6 on hand-computed cases. */
class AttentionMapsTest {
    static final VisionTransformer TINY = new VisionTransformer(VitConfig.of(32, 2, 4).withPatchSize(8).withImgSize(32), new Rng(1));

    @Test void thresholdKeepsTheSmallestSetHoldingTheMass() {
        // sum 10; ascending 0(i1) 1(i3) 2(i0) 2(i4) 5(i2); cumsum .0 .1 .3 .5 1.0; > 0.4 keeps i4 and i2 (70% of the mass)
        boolean[] keep = AttentionMaps.threshold(new float[] {2, 0, 5, 1, 2}, 0.6);
        assertArrayEquals(new boolean[] {false, false, true, false, true}, keep);
        // normalised already: ascending .1 .2 .3 .4 → cumsum .1 .3 .6 1.0 → keeps the .3 and .4 entries
        assertArrayEquals(new boolean[] {false, true, false, true}, AttentionMaps.threshold(new float[] {0.1f, 0.4f, 0.2f, 0.3f}, 0.6));
        // threshold 1 keeps every non-zero position, a small one only the peak
        assertArrayEquals(new boolean[] {true, false, true, true}, AttentionMaps.threshold(new float[] {0.1f, 0f, 0.2f, 0.7f}, 1.0));
        assertArrayEquals(new boolean[] {false, false, false, true}, AttentionMaps.threshold(new float[] {0.1f, 0f, 0.2f, 0.7f}, 0.5));
        assertArrayEquals(new boolean[3], AttentionMaps.threshold(new float[3], 0.6), "all-zero attention keeps nothing");
    }

    @Test void nearestUpsamplingRepeatsEachCell() {
        float[] up = AttentionMaps.upsampleNearest(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 2);
        assertArrayEquals(new float[] {
                1, 1, 2, 2, 3, 3,
                1, 1, 2, 2, 3, 3,
                4, 4, 5, 5, 6, 6,
                4, 4, 5, 5, 6, 6}, up);
    }

    @Test void compositeAssignsEachPixelToTheStrongestHeadTiesToTheLowest() {
        float[][] th = {{0.5f, 0.2f, 0f, 0.3f, 0.1f}, {0.5f, 0.4f, 0f, 0.1f, 0f}};
        assertArrayEquals(new int[] {0, 1, -1, 0, 0}, AttentionMaps.owners(th));
        float[][] s = AttentionMaps.compositeIntensities(th);
        // head 0 keeps {0.5, -, -, 0.3, 0.1} → /0.5 → 1, 0, 0, 0.6, 0.2 (0.2 hidden) → sqrt
        assertArrayEquals(new float[] {1f, 0f, 0f, (float) Math.sqrt(0.6), 0f}, s[0], 1e-6f);
        // head 1 keeps only pixel 1 (0.4) → normalised 1
        assertArrayEquals(new float[] {0f, 1f, 0f, 0f, 0f}, s[1], 1e-6f);
    }

    @Test void clsRowsTakeTheClsQueryOverPatchKeys() {
        int heads = 2, n = 5; // 2x2 grid + CLS
        float[] a = new float[heads * n * n];
        for (int i = 0; i < a.length; i++) a[i] = i;
        AttentionMaps.Maps m = AttentionMaps.clsRows(TINY, Tensor.of(a, 1, heads, n, n), 2, 2);
        assertEquals(2, m.heads());
        assertArrayEquals(new float[] {1, 2, 3, 4}, m.values()[0]);
        assertArrayEquals(new float[] {26, 27, 28, 29}, m.values()[1]);
    }

    @Test void windowedAttentionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionMaps.clsRows(TINY, Tensor.zeros(4, 2, 49, 49), 4, 4));
        assertTrue(e.getMessage().contains("windowed"), e.getMessage());
    }
}
