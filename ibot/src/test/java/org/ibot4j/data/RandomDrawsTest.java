package org.ibot4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;

/** Statistics of the random parameter draws of the augmentation. */
class RandomDrawsTest {
    private static RgbImage noise(int w, int h, long seed) {
        Rng r = new Rng(seed);
        byte[] b = new byte[3 * w * h];
        for (int i = 0; i < b.length; i++) b[i] = (byte) r.nextInt(256);
        return new RgbImage(w, h, b);
    }

    @Test void randomResizedCropBoxesFitAndFollowScaleAndRatio() {
        RandomResizedCrop rrc = new RandomResizedCrop(224, 0.14, 1.0);
        Rng rng = new Rng(11);
        int n = 20000, w = 500, h = 375;
        double sumFrac = 0, sumLogAr = 0;
        for (int i = 0; i < n; i++) {
            RandomResizedCrop.Box b = rrc.params(w, h, rng);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= h && b.left() + b.width() <= w, b.toString());
            double frac = (double) b.width() * b.height() / (w * h);
            assertTrue(frac > 0.13 && frac <= 1.0, "area fraction " + frac);
            double ar = (double) b.width() / b.height();
            assertTrue(ar > 0.73 && ar < 1.37, "aspect " + ar);
            sumFrac += frac;
            sumLogAr += Math.log(ar);
        }
        // accepted draws are biased towards smaller areas (big ones often don't fit), so the mean is below 0.57
        assertTrue(sumFrac / n > 0.45 && sumFrac / n < 0.57, "mean area fraction " + sumFrac / n);
        assertTrue(sumLogAr / n > 0, "a landscape image accepts more wide boxes");
        double sq = 0;
        for (int i = 0; i < n; i++) {
            RandomResizedCrop.Box b = rrc.params(400, 400, rng);
            sq += Math.log((double) b.width() / b.height());
        }
        assertEquals(0, sq / n, 0.01, "mean log aspect ratio on a square image");
    }

    @Test void randomResizedCropFallsBackToTheCentredBox() {
        // a 400x10 strip: no 10-try box fits (area 0.9..1 needs h > 10), fallback h = 10, w = round(10*4/3) = 13
        RandomResizedCrop rrc = new RandomResizedCrop(8, 0.9, 1.0);
        RandomResizedCrop.Box b = rrc.params(400, 10, new Rng(1));
        assertEquals(new RandomResizedCrop.Box(0, (400 - 13) / 2, 10, 13), b);
        RandomResizedCrop.Box tall = rrc.params(10, 400, new Rng(1));
        assertEquals(new RandomResizedCrop.Box((400 - 13) / 2, 0, 13, 10), tall);
        RgbImage out = rrc.apply(noise(400, 10, 1), new Rng(2));
        assertEquals(8, out.width());
        assertEquals(8, out.height());
    }

    @Test void decisionsHappenWithTheirProbabilities() {
        RgbImage img = noise(12, 10, 3);
        Rng rng = new Rng(12);
        int n = 20000, flips = 0, jitters = 0, grays = 0, blurs = 0, sols = 0;
        HorizontalFlip flip = new HorizontalFlip(0.5);
        ColorJitter jitter = ColorJitter.ibot();
        Grayscale gray = new Grayscale(0.2);
        GaussianBlur blur = GaussianBlur.withP(0.1);
        Solarize sol = new Solarize(0.2, 128);
        for (int i = 0; i < n; i++) {
            if (flip.apply(img, rng) != img) flips++;
            if (jitter.apply(img, rng) != img) jitters++;
            if (gray.apply(img, rng) != img) grays++;
            if (blur.apply(img, rng) != img) blurs++;
            if (sol.apply(img, rng) != img) sols++;
        }
        assertEquals(0.5, flips / (double) n, 0.015);
        assertEquals(0.8, jitters / (double) n, 0.015);
        assertEquals(0.2, grays / (double) n, 0.015);
        assertEquals(0.1, blurs / (double) n, 0.01);
        assertEquals(0.2, sols / (double) n, 0.015);
        assertSame(img, GaussianBlur.withP(0).apply(img, rng));
    }

    @Test void grayscaleKeepsThreeEqualChannels() {
        RgbImage g = Grayscale.gray(noise(7, 5, 4));
        for (int i = 0; i < 35; i++) {
            assertEquals(g.rgb()[3 * i], g.rgb()[3 * i + 1]);
            assertEquals(g.rgb()[3 * i], g.rgb()[3 * i + 2]);
        }
    }

    @Test void multiCropGivesViewsOfTheConfiguredSizesReproducibly() {
        MultiCropConfig cfg = new MultiCropConfig(2, 0.25, 1.0, 3, 0.05, 0.25, 32, 16);
        MultiCropAugmentation aug = new MultiCropAugmentation(cfg);
        RgbImage img = noise(60, 45, 5);
        List<RgbImage> a = aug.apply(img, new Rng(77)), b = aug.apply(img, new Rng(77));
        assertEquals(5, a.size());
        for (int i = 0; i < 5; i++) {
            int s = i < 2 ? 32 : 16;
            assertEquals(s, a.get(i).width());
            assertEquals(s, a.get(i).height());
            assertArrayEquals(a.get(i).rgb(), b.get(i).rgb(), "view " + i + " must be reproducible");
        }
    }

    @Test void normalizeWritesChwWithImagenetStatistics() {
        RgbImage img = new RgbImage(2, 1, new byte[]{(byte) 255, 0, 10, 20, 30, 40});
        float[] dst = new float[1 + 6];
        Normalize.write(img, dst, 1);
        assertEquals((1f - 0.485f) / 0.229f, dst[1], 1e-6);
        assertEquals((20 / 255f - 0.485f) / 0.229f, dst[2], 1e-6);
        assertEquals((0f - 0.456f) / 0.224f, dst[3], 1e-6);
        assertEquals((40 / 255f - 0.406f) / 0.225f, dst[6], 1e-6);
    }
}
