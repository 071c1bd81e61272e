package org.ibot4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;

class MaskGeneratorTest {
    private static final MaskGenerator README = new MaskGenerator(MaskGenerator.Shape.BLOCK, new double[]{0, 0.3}, new double[]{0, 0.2}, 0);

    private static int count(boolean[] m) {
        int c = 0;
        for (boolean b : m) if (b) c++;
        return c;
    }

    @Test void readmeRecipeRatioIsHalfZeroHalfUniform() {
        Rng rng = new Rng(1);
        int n = 40000, zeros = 0;
        double sum = 0, sumSq = 0, min = 1, max = 0;
        for (int i = 0; i < n; i++) {
            double r = README.sampleRatio(5, rng);
            if (r == 0) { zeros++; continue; }
            sum += r; sumSq += r * r;
            min = Math.min(min, r); max = Math.max(max, r);
        }
        int nz = n - zeros;
        assertEquals(0.5, zeros / (double) n, 0.01, "fraction of ratio-0 crops");
        assertEquals(0.3, sum / nz, 0.003, "mean of the non-zero ratios (U(0.1, 0.5))");
        assertEquals(0.4 * 0.4 / 12, sumSq / nz - (sum / nz) * (sum / nz), 0.0006, "variance of U(0.1, 0.5)");
        assertTrue(min >= 0.1 && max < 0.5, "range " + min + ".." + max);
    }

    @Test void ratioIsZeroBeforePredStartEpoch() {
        MaskGenerator g = new MaskGenerator(MaskGenerator.Shape.BLOCK, new double[]{0.3}, new double[]{0.2}, 50);
        Rng rng = new Rng(2);
        for (int i = 0; i < 100; i++) assertEquals(0, count(g.mask(14, 14, 49, rng)));
        double sum = 0;
        for (int i = 0; i < 2000; i++) sum += g.sampleRatio(50, rng);
        assertEquals(0.3, sum / 2000, 0.01);
    }

    @Test void blockMasksStayWithinTargetAndAreMadeOfPartialRectangles() {
        Rng rng = new Rng(3);
        double totalTarget = 0, totalMasked = 0;
        for (int t = 0; t < 3000; t++) {
            int h = 14, w = 14;
            double target = (0.1 + 0.4 * rng.nextDouble()) * h * w;
            boolean[] m = MaskGenerator.block(h, w, target, rng);
            int c = count(m);
            assertTrue(c <= target, "masked " + c + " > target " + target);
            assertTrue(c > 0, "a target of " + target + " cells masked nothing");
            for (int y = 0; y < h; y++) {
                boolean full = true;
                for (int x = 0; x < w; x++) full &= m[y * w + x];
                assertTrue(!full || c > w, "a single block spans the full width");
            }
            totalTarget += target;
            totalMasked += c;
        }
        double fill = totalMasked / totalTarget;
        assertTrue(fill > 0.8 && fill <= 1.0, "masked/target = " + fill);
    }

    @Test void singleBlockIsRectangleSmallerThanTheGrid() {
        Rng rng = new Rng(4);
        for (int t = 0; t < 2000; t++) {
            boolean[] m = new boolean[14 * 14];
            double budget = 1 + 60 * rng.nextDouble();
            int added = MaskGenerator.addBlock(m, 14, 14, 16, budget, rng);
            assertEquals(added, count(m));
            assertTrue(added <= budget);
            int top = 14, bottom = -1, left = 14, right = -1;
            for (int y = 0; y < 14; y++)
                for (int x = 0; x < 14; x++)
                    if (m[y * 14 + x]) { top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, x); right = Math.max(right, x); }
            if (bottom < 0) continue;
            int bh = bottom - top + 1, bw = right - left + 1;
            assertEquals(bh * bw, count(m), "one block must be a filled rectangle");
            assertTrue(bh < 14 && bw < 14, "block " + bh + "x" + bw + " spans the grid");
        }
    }

    @Test void zeroRatioGivesEmptyMask() {
        Rng rng = new Rng(5);
        assertEquals(0, count(MaskGenerator.block(14, 14, 0, rng)));
        assertEquals(0, count(MaskGenerator.random(14, 14, 0, rng)));
    }

    @Test void randomMaskHasExactlyFloorTargetCellsUniformly() {
        Rng rng = new Rng(6);
        int[] hits = new int[36];
        for (int t = 0; t < 20000; t++) {
            boolean[] m = MaskGenerator.random(6, 6, 10.9, rng);
            assertEquals(10, count(m));
            for (int i = 0; i < 36; i++) if (m[i]) hits[i]++;
        }
        for (int h : hits) assertEquals(20000 * 10 / 36.0, h, 250, "per-cell hit count");
    }

    @Test void deterministicPerSeed() {
        for (MaskGenerator.Shape s : MaskGenerator.Shape.values()) {
            MaskGenerator g = new MaskGenerator(s, new double[]{0.3}, new double[]{0.2}, 0);
            assertArrayEquals(g.mask(14, 14, 0, new Rng(9)), g.mask(14, 14, 0, new Rng(9)));
            assertFalse(java.util.Arrays.equals(g.mask(14, 14, 0, new Rng(9)), g.mask(14, 14, 0, new Rng(10))));
        }
    }

    @Test void smallGridsUseTheirOwnMinimumBlock() {
        Rng rng = new Rng(7);
        for (int t = 0; t < 500; t++) {
            boolean[] m = MaskGenerator.block(6, 6, 0.5 * 36, rng);
            assertTrue(count(m) <= 18);
        }
    }

    @Test void parsesPredShape() {
        assertEquals(MaskGenerator.Shape.BLOCK, MaskGenerator.Shape.parse("block"));
        assertEquals(MaskGenerator.Shape.RAND, MaskGenerator.Shape.parse("rand"));
        assertThrows(IllegalArgumentException.class, () -> MaskGenerator.Shape.parse("square"));
    }

    @Test void rejectsBadRatioLists() {
        assertThrows(IllegalArgumentException.class, () -> new MaskGenerator(MaskGenerator.Shape.BLOCK, new double[]{0.1}, new double[]{0.2}, 0));
        assertThrows(IllegalArgumentException.class, () -> new MaskGenerator(MaskGenerator.Shape.BLOCK, new double[]{0.1, 0.3, 0.4}, new double[]{0, 0.1}, 0));
    }
}
