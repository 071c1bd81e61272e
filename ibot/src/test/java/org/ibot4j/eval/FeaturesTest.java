package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Feature modes on a tiny ViT (32 px, patch 8, dim 16, depth 3): shapes for avgpool 0/1/2 and n_last_blocks,
 * values against the model's own outputs, batching independence, the pixel baseline, and the error for an
 * image that does not decode.
 */
class FeaturesTest {
    static final VitConfig TINY = new VitConfig(32, 8, 3, 16, 3, 2, 4.0, true, 0f, 1e-6f, false);

    /** {@code n} random 36x40 images, labels i % 3; image {@code broken} (if >= 0) does not decode. */
    static Dataset images(int n, int broken) {
        Rng rng = new Rng(5);
        RgbImage[] imgs = new RgbImage[n];
        for (int i = 0; i < n; i++) {
            byte[] rgb = new byte[36 * 40 * 3];
            for (int j = 0; j < rgb.length; j++) rgb[j] = (byte) rng.nextInt(256);
            imgs[i] = new RgbImage(36, 40, rgb);
        }
        return new Dataset() {
            @Override public int size() { return n; }
            @Override public RgbImage image(int i) { return i == broken ? null : imgs[i]; }
            @Override public int label(int i) { return i % 3; }
            @Override public int numClasses() { return 3; }
        };
    }

    static VisionTransformer model() {
        VisionTransformer m = new VisionTransformer(TINY, new Rng(1));
        m.eval();
        return m;
    }

    @Test
    void modeShapesAndValues() {
        VisionTransformer m = model();
        Dataset data = images(5, -1);
        EvalTransform tf = EvalTransform.forCrop(32);
        Features.Set cls = Features.extract(m, new Features.Mode(1, 0), data, 5, tf, 2, null, "");
        Features.Set cls3 = Features.extract(m, new Features.Mode(3, 0), data, 5, tf, 2, null, "");
        Features.Set mean = Features.extract(m, new Features.Mode(1, 1), data, 5, tf, 2, null, "");
        Features.Set both = Features.extract(m, new Features.Mode(2, 2), data, 5, tf, 4, null, "");
        assertEquals(16, cls.dim());
        assertEquals(48, cls3.dim());
        assertEquals(16, mean.dim());
        assertEquals(48, both.dim());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, cls.labels());

        Tensor x = Tensor.concat(List.of(tf.apply(data.image(0)).unsqueeze(0), tf.apply(data.image(1)).unsqueeze(0)), 0);
        try (var ng = GradMode.noGrad()) {
            float[] fwdCls = m.forward(x).cls().toArray();
            List<Tensor> layers = m.intermediateLayers(x, 3);
            for (int r = 0; r < 2; r++)
                for (int d = 0; d < 16; d++) {
                    assertEquals(fwdCls[r * 16 + d], cls.features()[r * 16 + d], 1e-5, "avgpool 0 = final-norm CLS");
                    for (int b = 0; b < 3; b++)
                        assertEquals(layers.get(b).get(r, 0, d), cls3.features()[r * 48 + b * 16 + d], 1e-5, "block " + b + " CLS, oldest first");
                    double sum = 0;
                    for (int p = 1; p < 17; p++) sum += layers.get(2).get(r, p, d);
                    assertEquals(sum / 16, mean.features()[r * 16 + d], 1e-5, "avgpool 1 = mean patch token of the last block");
                    assertEquals(layers.get(1).get(r, 0, d), both.features()[r * 48 + d], 1e-5, "avgpool 2 starts with the CLS of block n-2");
                    assertEquals(layers.get(2).get(r, 0, d), both.features()[r * 48 + 16 + d], 1e-5);
                    assertEquals(sum / 16, both.features()[r * 48 + 32 + d], 1e-5, "avgpool 2 ends with the mean patch token");
                }
        }
        // batch size does not change the features; the legacy entry point is avgpool 0, one block
        Features.Set one = Features.extract(m, new Features.Mode(3, 0), data, 5, tf, 1, null, "");
        for (int i = 0; i < one.features().length; i++) assertEquals(cls3.features()[i], one.features()[i], 1e-5);
        assertArrayEquals(cls.features(), Features.cls(m, data, 5, tf, 2).features());
        assertEquals(3, Features.cls(m, data, 3, tf, 2).size(), "first n images only");
    }

    @Test
    void pixelsAndErrors() {
        Dataset data = images(3, 1);
        EvalTransform tf = EvalTransform.forCrop(32);
        Exception e = assertThrows(IllegalStateException.class, () -> Features.pixels(data, 3, tf, null, "train"));
        assertTrue(e.getMessage().contains("train image 1"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Features.extract(model(), Features.Mode.CLS, data, 3, tf, 2, null, "val"));
        assertTrue(e.getMessage().contains("val image 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Features.extract(model(), new Features.Mode(4, 0), data, 3, tf, 2, null, "val"));
        assertTrue(e.getMessage().contains("n_last_blocks 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Features.Mode(1, 3));
        assertThrows(IllegalArgumentException.class, () -> new Features.Mode(0, 0));

        Features.Set px = Features.pixels(images(2, -1), 2, tf, null, "train");
        assertEquals(3 * 32 * 32, px.dim());
        assertArrayEquals(tf.apply(images(2, -1).image(1)).toArray(), java.util.Arrays.copyOfRange(px.features(), px.dim(), 2 * px.dim()));
    }

    @Test
    void progressLine() {
        assertEquals("features train [##########..........] 5/10  2.5 img/s  ETA 0:00:02", Features.Progress.render(5, 10, 2.0, "train"));
    }
}
