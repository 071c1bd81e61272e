package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PatchConvTest {
    @Test void forwardHandComputed() {
        // one channel, 2x4 image, 2x2 kernel: two patches [[1,2],[5,6]] and [[3,4],[7,8]]
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 2, 4);
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 0, 0, 0, 1}, 2, 1, 2, 2);
        Tensor b = Tensor.of(new float[] {0.5f, -1}, 2);
        Tensor y = PatchConv.conv2dPatch(x, w, b);
        assertArrayEquals(new int[] {1, 2, 1, 2}, y.dims());
        // ch0: 1+4+15+24+0.5 = 44.5, 3+8+21+32+0.5 = 64.5; ch1: 6-1 = 5, 8-1 = 7
        assertClose(new float[] {44.5f, 64.5f, 5, 7}, y, 0);
    }

    @Test void matchesDirectConvolutionWithDroppedBorder() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 2, 3, 7, 9), w = Tensor.randn(rng, 4, 3, 3, 3), b = Tensor.randn(rng, 4);
        Tensor y = F.conv2dPatch(x, w, b);
        assertArrayEquals(new int[] {2, 4, 2, 3}, y.dims());
        float[] expect = new float[y.size()];
        int k = 0;
        for (int n = 0; n < 2; n++)
            for (int d = 0; d < 4; d++)
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++) {
                        double s = b.get(d);
                        for (int c = 0; c < 3; c++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++) s += (double) x.get(n, c, i * 3 + ky, j * 3 + kx) * w.get(d, c, ky, kx);
                        expect[k++] = (float) s;
                    }
        assertClose(expect, y, 1e-5);
    }

    @Test void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> PatchConv.conv2dPatch(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(2, 1, 2, 2), null));
        assertThrows(IllegalArgumentException.class, () -> PatchConv.conv2dPatch(Tensor.zeros(1, 1, 1, 4), Tensor.zeros(2, 1, 2, 2), null));
    }

    @Test void grad() {
        GradCheck.of("conv2d_patch", in -> PatchConv.conv2dPatch(in[0], in[1], in[2]))
                .check(randn(1, 2, 2, 4, 5), randn(2, 3, 2, 2, 2), randn(3, 3));
        GradCheck.of("conv2d_patch_nobias", in -> PatchConv.conv2dPatch(in[0], in[1], null))
                .check(randn(4, 1, 3, 6, 3), randn(5, 2, 3, 3, 3));
        GradCheck.of("conv2d_patch_strided_x", in -> PatchConv.conv2dPatch(in[0].permute(0, 3, 1, 2), in[1], in[2]))
                .check(randn(6, 2, 4, 4, 2), randn(7, 2, 2, 2, 2), randn(8, 2));
    }
}
