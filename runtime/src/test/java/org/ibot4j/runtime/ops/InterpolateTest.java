package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InterpolateTest {
    @Test void scaleOneIsIdentity() {
        Tensor x = Tensor.randn(new Rng(1), 1, 2, 3, 4);
        assertClose(x, Interpolate.bicubic(x, 1, 1), 1e-6);
    }

    @Test void halfScaleHandComputed() {
        // Row [0,1,2,3] at scale 0.5: src = 2·dst + 0.5, t = 0.5, weights W(1.5), W(.5), W(.5), W(1.5)
        // = -0.09375, 0.59375, 0.59375, -0.09375. dst 0: taps (-1→0),0,1,2 -> 0.59375 - 0.1875 = 0.40625;
        // dst 1: taps 1,2,3,(4→3) -> -0.09375 + 1.1875 + 1.78125 - 0.28125 = 2.59375.
        Tensor row = Tensor.of(new float[] {0, 1, 2, 3}, 1, 1, 1, 4);
        assertClose(new float[] {0.40625f, 2.59375f}, Interpolate.bicubic(row, 1, 0.5), 1e-6);
        // separable: x[y][x] = 10·y + x interpolates to 10·r[oy] + r[ox] since the weights sum to 1
        float[] v = new float[16];
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) v[y * 4 + x] = 10 * y + x;
        Tensor img = Tensor.of(v, 1, 1, 4, 4);
        float a = 0.40625f, b = 2.59375f;
        assertClose(new float[] {10 * a + a, 10 * a + b, 10 * b + a, 10 * b + b}, F.interpolateBicubic(img, 0.5, 0.5), 1e-5);
    }

    @Test void vitLocalCropCaseMatchesTheSpecFormula() {
        // 14x14 position grid resampled for 96-px crops: scale (6 + 0.1)/14 -> 6x6
        Tensor x = Tensor.randn(new Rng(2), 1, 3, 14, 14);
        double s = (6 + 0.1) / 14;
        Tensor y = Interpolate.bicubic(x, s, s);
        assertArrayEquals(new int[] {1, 3, 6, 6}, y.dims());
        assertClose(specBicubic(x, s, s), y, 1e-5);
    }

    @Test void upsamplingAndAnisotropicMatchTheSpecFormula() {
        Tensor x = Tensor.randn(new Rng(3), 2, 2, 3, 5);
        Tensor y = Interpolate.bicubic(x, 2.0, 1.3);
        assertArrayEquals(new int[] {2, 2, 6, 6}, y.dims());
        assertClose(specBicubic(x, 2.0, 1.3), y, 1e-5);
    }

    @Test void grad() {
        GradCheck.of("bicubic_down", in -> Interpolate.bicubic(in[0], 0.6, 0.75)).check(randn(1, 1, 2, 5, 4));
        GradCheck.of("bicubic_up", in -> Interpolate.bicubic(in[0], 1.5, 2.0)).check(randn(2, 1, 1, 3, 3));
        GradCheck.of("bicubic_strided", in -> Interpolate.bicubic(in[0].permute(0, 3, 1, 2), 0.5, 0.5)).check(randn(3, 1, 4, 4, 2));
    }

    /** Independent double-precision transcription of spec §4.1.1 (direct 4×4 sum). */
    static Tensor specBicubic(Tensor x, double sh, double sw) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = (int) Math.floor(h * sh), ow = (int) Math.floor(w * sw);
        float[] out = new float[n * c * oh * ow];
        int k = 0;
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double sy = (oy + 0.5) / sh - 0.5, sx = (ox + 0.5) / sw - 0.5;
                        int y0 = (int) Math.floor(sy), x0 = (int) Math.floor(sx);
                        double acc = 0;
                        for (int a = -1; a <= 2; a++)
                            for (int b = -1; b <= 2; b++) {
                                int yy = Math.clamp(y0 + a, 0, h - 1), xx = Math.clamp(x0 + b, 0, w - 1);
                                acc += kernel(sy - (y0 + a)) * kernel(sx - (x0 + b)) * x.get(i, ch, yy, xx);
                            }
                        out[k++] = (float) acc;
                    }
        return Tensor.of(out, n, c, oh, ow);
    }

    static double kernel(double d) {
        double A = -0.75, t = Math.abs(d);
        if (t <= 1) return (A + 2) * t * t * t - (A + 3) * t * t + 1;
        if (t < 2) return A * t * t * t - 5 * A * t * t + 8 * A * t - 4 * A;
        return 0;
    }
}
