package org.ibot4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibot4j.data.HorizontalFlip;
import org.ibot4j.data.RandomResizedCrop;
import org.ibot4j.data.RgbImage;
import org.junit.jupiter.api.Test;

/** Dot-product matching, source choice and the instance-mode geometry of spec 9.6. */
class CorrespondenceTest {
    @Test void matchesUseTheRawDotProductNotTheCosine() {
        float[] t1 = {1, 0, 0, 1, -1, -1};           // 3 tokens of width 2
        float[] t2 = {1, 0, 3, 3, 0, 2, -2, -2};     // 4 tokens: cosine would pick 0 for t1[0]; the dot product picks 1
        float[] best = new float[3];
        assertArrayEquals(new int[] {1, 1, 3}, Correspondence.bestMatches(t1, 3, t2, 4, 2, best));
        assertArrayEquals(new float[] {3, 3, 4}, best);
        // ties go to the lowest index
        assertArrayEquals(new int[] {0}, Correspondence.bestMatches(new float[] {1, 1}, 1, new float[] {1, 0, 0, 1}, 2, 2, null));
    }

    @Test void topKRanksByScoreWithinTheAllowedSet() {
        float[] s = {0.1f, 0.9f, 0.5f, 0.9f, 0.7f};
        assertArrayEquals(new int[] {1, 3, 4}, Correspondence.topK(s, 3, null));
        assertArrayEquals(new int[] {4, 2}, Correspondence.topK(s, 2, new boolean[] {true, false, true, false, true}));
        assertArrayEquals(new float[] {0.5f, 2f}, Correspondence.headMean(new float[][] {{0, 1}, {1, 3}}));
    }

    @Test void viewGeometryMapsPatchCentresThroughCropAndFlip() {
        // 32x32 image, 8-px patches (4x4 grid); box rows 8..24, cols 0..16 → scale 2
        RandomResizedCrop.Box box = new RandomResizedCrop.Box(8, 0, 16, 16);
        Correspondence.View plain = new Correspondence.View(32, box, false), flipped = new Correspondence.View(32, box, true);
        assertArrayEquals(new double[] {8, 8}, plain.toView(4, 12), 1e-12);     // patch (1,0) centre → view (8,8) → patch (1,1)
        assertArrayEquals(new double[] {24, 8}, flipped.toView(4, 12), 1e-12);  // mirrored → patch (1,3)
        int[] t = plain.truePatches(4, 8), tf = flipped.truePatches(4, 8);
        assertEquals(-1, t[0], "row 0 lies above the box");
        assertEquals(1 * 4 + 1, t[1 * 4 + 0]);
        assertEquals(1 * 4 + 3, tf[1 * 4 + 0]);
        assertEquals(3 * 4 + 3, t[2 * 4 + 1]);     // centre (12,20) → (24,24) → (3,3)
        assertEquals(3 * 4 + 1, tf[2 * 4 + 1]);     // mirrored: 32 - 24 = 8 → column 1
        assertEquals(-1, t[1 * 4 + 2], "columns 2..3 lie right of the box");
        // identity box with flip mirrors columns
        int[] mirror = new Correspondence.View(32, new RandomResizedCrop.Box(0, 0, 32, 32), true).truePatches(4, 8);
        for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) assertEquals(r * 4 + 3 - c, mirror[r * 4 + c]);
    }

    @Test void viewGeometryAgreesWithTheRenderedView() {
        // an image of 4x4 uniformly coloured 8-px patches; render the crop+flip view and compare colours at mapped centres
        int side = 32;
        byte[] rgb = new byte[side * side * 3];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                int cell = (y / 8) * 4 + x / 8;
                rgb[(y * side + x) * 3] = (byte) (cell * 15);
                rgb[(y * side + x) * 3 + 1] = (byte) (255 - cell * 15);
                rgb[(y * side + x) * 3 + 2] = (byte) ((cell % 4) * 60);
            }
        RgbImage img = new RgbImage(side, side, rgb);
        RandomResizedCrop.Box box = new RandomResizedCrop.Box(0, 8, 16, 16);
        RgbImage view = HorizontalFlip.flip(RandomResizedCrop.cropResize(img, box, side));
        Correspondence.View geo = new Correspondence.View(side, box, true);
        int[] truth = geo.truePatches(4, 8);
        int checked = 0;
        for (int p = 0; p < 16; p++) {
            if (truth[p] < 0) continue;
            int cx = (p % 4) * 8 + 4, cy = (p / 4) * 8 + 4;
            double[] v = geo.toView(cx, cy);
            for (int c = 0; c < 3; c++)
                assertEquals(img.get(cx, cy, c), view.get((int) v[0], (int) v[1], c), 2, "patch " + p + " channel " + c);
            checked++;
        }
        assertEquals(4, checked, "a 16x16 box covers 2x2 patch centres");
    }

    @Test void drawingPutsLinesBetweenMatchedPatchCentres() {
        java.awt.image.BufferedImage a = new java.awt.image.BufferedImage(224, 224, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.image.BufferedImage d = Correspondence.draw(a, a, new int[] {0}, new int[] {3}, 2, 2, 112);
        assertEquals(448, d.getWidth());
        // source (0,0) centre (56,56) → target (1,1) centre (224+168,168): the midpoint is on the line
        assertEquals(true, (d.getRGB(224, 112) & 0xffffff) != 0, "line passes through the midpoint");
        assertEquals(0, d.getRGB(56, 200) & 0xffffff, "elsewhere stays black");
        assertEquals(7, Correspondence.displayScale(32));
        assertEquals(1, Correspondence.displayScale(224));
    }

    @Test void accuracyCountsOverlappingPatchesWithinTheRadius() {
        int[] truth = {0, 5, -1, 15};
        int[] matches = {0, 10, 3, 14}; // exact, one row off, (ignored), one column off
        assertEquals(1 / 3.0, Correspondence.accuracy(matches, truth, 4, 0), 1e-12);
        assertEquals(1.0, Correspondence.accuracy(matches, truth, 4, 1), 1e-12);
        assertEquals(Double.NaN, Correspondence.accuracy(matches, new int[] {-1, -1, -1, -1}, 4, 1));
        assertArrayEquals(new int[] {1, 0, 2, 2}, Correspondence.pairs(new int[] {4}, new int[] {0, 0, 0, 0, 10}, 4, 4)[0]);
    }
}
