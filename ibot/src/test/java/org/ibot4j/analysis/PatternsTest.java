package org.ibot4j.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.ibot4j.data.RgbImage;
import org.junit.jupiter.api.Test;

/** Counting, ranking (with each row's own image index, spec 11.20), crop windows, the dark filter and tiling. */
class PatternsTest {
    /** 3 images x 4 patches; K = 5. */
    static Patterns.Table table() {
        return new Patterns.Table(3, 4,
                new float[] {0.9f, 0.2f, 0.3f, 0.1f,     // image 0
                             0.4f, 0.8f, 0.7f, 0.95f,    // image 1
                             0.5f, 0.99f, 0.6f, 0.6f},   // image 2
                new int[] {2, 2, 4, 1,
                           2, 4, 2, 3,
                           1, 2, 4, 4});
    }

    @Test void putStoresMaxAndArgmaxPerPosition() {
        Patterns.Table t = Patterns.Table.allocate(2, 2);
        t.put(1, new float[] {0.1f, 0.5f, -1f, /* pos 1 */ 2f, 2f, 0f}, 3);
        assertArrayEquals(new float[] {0, 0, 0.5f, 2f}, t.maxLogit());
        assertArrayEquals(new int[] {0, 0, 1, 0}, t.argmax(), "ties take the first index");
    }

    @Test void countsAndMostFrequentIndices() {
        long[] c = Patterns.counts(table(), 5);
        assertArrayEquals(new long[] {0, 2, 5, 1, 4}, c);
        assertArrayEquals(new int[] {2, 4, 1}, Patterns.mostFrequent(c, 3));
        assertArrayEquals(new int[] {2, 4, 1, 3}, Patterns.mostFrequent(c, 10), "unused indices are never shown");
    }

    @Test void rankingUsesEachImagesBestAssignedPatchAndItsOwnIndex() {
        // index 2: image 0 best 0.9 at patch 0; image 1 best 0.7 at patch 2 (its 0.95 belongs to index 3); image 2 0.99 at patch 1
        List<Patterns.Hit> hits = Patterns.rank(table(), 2, 10);
        assertEquals(List.of(new Patterns.Hit(2, 1, 0.99f), new Patterns.Hit(0, 0, 0.9f), new Patterns.Hit(1, 2, 0.7f)), hits);
        assertEquals(List.of(new Patterns.Hit(2, 1, 0.99f)), Patterns.rank(table(), 2, 1), "limit keeps the best");
        // index 4: image 1 (0.8 at patch 1), image 0 (0.3 at patch 2), image 2 (0.6 tie at patches 2 and 3 → first)
        assertEquals(List.of(new Patterns.Hit(1, 1, 0.8f), new Patterns.Hit(2, 2, 0.6f), new Patterns.Hit(0, 2, 0.3f)), Patterns.rank(table(), 4, 10));
        assertEquals(List.of(), Patterns.rank(table(), 0, 10));
    }

    @Test void windowsStayInsideTheImage() {
        assertEquals(new Patterns.Window(16, 8, 40, 16, 16), Patterns.window(3, 4, 8, 5, 64));
        assertEquals(new Patterns.Window(0, 0, 40, 0, 0), Patterns.window(0, 0, 8, 5, 64));
        assertEquals(new Patterns.Window(24, 24, 40, 32, 32), Patterns.window(7, 7, 8, 5, 64));
        assertEquals(new Patterns.Window(0, 0, 32, 8, 24), Patterns.window(3, 1, 8, 5, 32), "a window larger than the image is the image");
    }

    static RgbImage uniform(int r, int g, int b) {
        byte[] px = new byte[8 * 8 * 3];
        for (int i = 0; i < 64; i++) { px[3 * i] = (byte) r; px[3 * i + 1] = (byte) g; px[3 * i + 2] = (byte) b; }
        return new RgbImage(8, 8, px);
    }

    @Test void darkCropsAreThoseWithMeanHsvValueAtMost40() {
        assertTrue(Patterns.tooDark(uniform(40, 10, 0)));
        assertFalse(Patterns.tooDark(uniform(41, 0, 0)), "value is the max channel");
        assertFalse(Patterns.tooDark(uniform(0, 0, 200)));
        assertEquals(40.0, Patterns.meanValue(uniform(40, 40, 40)), 1e-12);
    }

    @Test void tilesFillACeilSqrtWideGrid() {
        BufferedImage red = Images.toBuffered(uniform(255, 0, 0));
        BufferedImage t = Patterns.tile(List.of(red, red, red, red, red), 5, 8);
        assertEquals(24, t.getWidth());
        assertEquals(24, t.getHeight());
        assertEquals(0xff0000, t.getRGB(8 * 1 + 3, 8 * 1 + 3) & 0xffffff, "tile 4 at row 1, column 1");
        assertEquals(0, t.getRGB(8 * 2 + 3, 8 * 1 + 3) & 0xffffff, "tile 5 missing");
        BufferedImage h = Patterns.highlighted(uniform(0, 0, 0), new Patterns.Window(0, 0, 8, 4, 4), 4);
        assertEquals(0, h.getRGB(1, 1) & 0xffffff);
        assertTrue((h.getRGB(5, 5) >> 16 & 0xff) > 50, "centre patch highlighted");
    }
}
