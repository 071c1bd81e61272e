package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.data.RandomErasing;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * Fine-tuning regularisers: Mixup/CutMix soft targets sum to 1 and mix with the mirrored image, the CutMix box
 * area gives λ, Beta draws have the right moments, label smoothing alone, random erasing boxes, head init scale.
 */
class FineTuneMixupTest {
    private static final int N = 4, C = 3, H = 8, W = 8, K = 5;

    /** Image i is filled with the constant i+1 in every pixel. */
    private static float[] constantImages() {
        float[] x = new float[N * C * H * W];
        for (int i = 0; i < N; i++) java.util.Arrays.fill(x, i * C * H * W, (i + 1) * C * H * W, i + 1);
        return x;
    }

    @Test void mixupBlendsWithTheMirroredImageAndTargetsSumToOne() {
        Mixup m = new Mixup(0.8, 0, 1, 0.5, 0.1, K);
        int[] labels = {0, 1, 2, 4};
        for (long seed = 0; seed < 20; seed++) {
            float[] x = constantImages(), t = new float[N * K];
            Mixup.Draw d = m.apply(x, N, C, H, W, labels, t, new Rng(seed));
            assertFalse(d.cutmix());
            double lam = d.lambda();
            assertTrue(lam > 0 && lam < 1);
            for (int i = 0; i < N; i++) {
                float expect = (float) ((i + 1) * lam + (N - i) * (1 - lam));
                assertEquals(expect, x[i * C * H * W + 17], 1e-5);
                double sum = 0;
                for (int j = 0; j < K; j++) sum += t[i * K + j];
                assertEquals(1.0, sum, 1e-6);
                double on = 1 - 0.1 + 0.1 / K, off = 0.1 / K;
                int y = labels[i], yf = labels[N - 1 - i];
                assertEquals(lam * on + (1 - lam) * off, t[i * K + y], 1e-6);
                assertEquals(lam * off + (1 - lam) * on, t[i * K + yf], 1e-6);
            }
        }
    }

    @Test void cutmixPastesABoxAndLambdaIsItsComplementArea() {
        Mixup m = new Mixup(0, 1.0, 1, 0.5, 0.0, K);
        int[] labels = {0, 1, 2, 3};
        int boxes = 0;
        for (long seed = 0; seed < 30; seed++) {
            float[] x = constantImages(), t = new float[N * K];
            Mixup.Draw d = m.apply(x, N, C, H, W, labels, t, new Rng(seed));
            assertTrue(d.cutmix());
            int area = (d.y1() - d.y0()) * (d.x1() - d.x0());
            assertEquals(1 - area / (double) (H * W), d.lambda(), 1e-12);
            if (area > 0) boxes++;
            for (int i = 0; i < N; i++) {
                int pasted = 0;
                for (int k = 0; k < C * H * W; k++) {
                    float v = x[i * C * H * W + k];
                    int ch = k / (H * W), y = (k / W) % H, xx = k % W;
                    boolean in = y >= d.y0() && y < d.y1() && xx >= d.x0() && xx < d.x1();
                    assertEquals(in ? N - i : i + 1, v, 0, "pixel " + ch + "," + y + "," + xx);
                    if (in) pasted++;
                }
                assertEquals(C * area, pasted);
                // target of image i: λ on its label, 1-λ on the mirrored one (no smoothing)
                if (labels[i] != labels[N - 1 - i]) {
                    assertEquals(d.lambda(), t[i * K + labels[i]], 1e-6);
                    assertEquals(1 - d.lambda(), t[i * K + labels[N - 1 - i]], 1e-6);
                }
            }
        }
        assertTrue(boxes > 20, "most draws cut a non-empty box");
    }

    @Test void switchProbabilityPicksBothKinds() {
        Mixup m = new Mixup(0.8, 1.0, 1, 0.5, 0.1, K);
        int cut = 0;
        for (long s = 0; s < 400; s++) if (m.draw(H, W, new Rng(s)).cutmix()) cut++;
        assertTrue(cut > 150 && cut < 250, "about half CutMix, got " + cut);
    }

    @Test void disabledMixingIsLabelSmoothingOnly() {
        Mixup m = new Mixup(0, 0, 1, 0.5, 0.1, K);
        float[] x = constantImages(), before = x.clone(), t = new float[N * K];
        Mixup.Draw d = m.apply(x, N, C, H, W, new int[] {0, 1, 2, 3}, t, new Rng(1));
        assertEquals(1.0, d.lambda());
        assertArrayEquals(before, x);
        assertEquals(0.92f, t[0], 1e-6);
        assertEquals(0.02f, t[1], 1e-6);
    }

    @Test void betaMoments() {
        Rng rng = new Rng(3);
        int n = 20000;
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double b = Mixup.beta(0.8, rng);
            assertTrue(b >= 0 && b <= 1);
            s += b;
            s2 += b * b;
        }
        double mean = s / n, var = s2 / n - mean * mean;
        assertEquals(0.5, mean, 0.01);
        assertEquals(1 / (4 * (2 * 0.8 + 1)), var, 0.004, "Var Beta(a,a) = 1/(4(2a+1))");
    }

    @Test void randomErasingFillsOneBoxWithNoise() {
        RandomErasing re = new RandomErasing(1.0);
        int hit = 0;
        for (long seed = 0; seed < 50; seed++) {
            float[] img = new float[3 * 16 * 16];
            java.util.Arrays.fill(img, 7f);
            int[] box = re.apply(img, 0, 3, 16, 16, new Rng(seed));
            if (box == null) continue;
            hit++;
            int top = box[0], left = box[1], h = box[2], w = box[3];
            assertTrue(h < 16 && w < 16 && h * w >= 1);
            double frac = h * w / 256.0;
            assertTrue(frac >= 0.01 && frac <= 0.40, "area fraction " + frac);
            int changed = 0;
            for (int i = 0; i < img.length; i++) if (img[i] != 7f) changed++;
            assertEquals(3 * h * w, changed);
            assertTrue(img[(16 + top) * 16 + left] != 7f);
        }
        assertTrue(hit > 40);
        assertNull(new RandomErasing(0).apply(new float[3 * 4 * 4], 0, 3, 4, 4, new Rng(0)));
        assertThrows(IllegalArgumentException.class, () -> new RandomErasing(1.5));
    }

    @Test void headInitIsTruncNormalTimesOneThousandth() {
        VisionTransformer vit = new VisionTransformer(new VitConfig(16, 4, 3, 64, 1, 2, 4.0, true, 0f, 1e-6f, false), new Rng(0));
        Classifier c = new Classifier(vit, 100, new Rng(5));
        float[] w = c.head().weight().tensor().toArray();
        double s2 = 0, max = 0;
        for (float v : w) { s2 += v * v; max = Math.max(max, Math.abs(v)); }
        double std = Math.sqrt(s2 / w.length);
        assertEquals(0.02 * 0.001, std, 0.02 * 0.001 * 0.05);
        assertTrue(max < 5 * 0.02 * 0.001, "no outliers beyond 5 std: " + max);
        for (float v : c.head().bias().tensor().toArray()) assertEquals(0f, v);
        assertNotNull(c.referenceState().get("head.weight"));
        assertEquals("cls_token", c.referenceState().keySet().iterator().next());
    }
}
