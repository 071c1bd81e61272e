package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The single-pass layout ops against the view/concat compositions they replace, forward and backward. */
class SwinLayoutTest {
    @Test void toWindowsIsRollThenPartition() {
        Rng rng = new Rng(4);
        for (int s : new int[] {0, 1, 2, 3}) {
            Tensor x = Tensor.randn(rng, 2, 8, 12, 3).requiresGrad(true), g = Tensor.randn(rng, 2 * 2 * 3, 16, 3);
            Tensor fast = SwinLayout.toWindows(x, 4, s);
            fast.mul(g).sum().backward();
            float[] gFast = x.grad().toArray();
            x.zeroGrad();
            Tensor ref = SwinWindows.partition(SwinWindows.roll(SwinWindows.roll(x, -s, 1), -s, 2), 4);
            ref.mul(g).sum().backward();
            assertArrayEquals(ref.toArray(), fast.toArray(), "forward, shift " + s);
            assertArrayEquals(x.grad().toArray(), gFast, "backward, shift " + s);
        }
    }

    @Test void fromWindowsIsReverseThenRollBack() {
        Rng rng = new Rng(5);
        for (int s : new int[] {0, 2}) {
            Tensor win = Tensor.randn(rng, 2 * 2 * 3, 16, 3).requiresGrad(true), g = Tensor.randn(rng, 2, 8, 12, 3);
            Tensor fast = SwinLayout.fromWindows(win, 4, s, 8, 12);
            fast.mul(g).sum().backward();
            float[] gFast = win.grad().toArray();
            win.zeroGrad();
            Tensor ref = SwinWindows.roll(SwinWindows.roll(SwinWindows.reverse(win, 4, 8, 12), s, 1), s, 2);
            ref.mul(g).sum().backward();
            assertArrayEquals(ref.toArray(), fast.toArray(), "forward, shift " + s);
            assertArrayEquals(win.grad().toArray(), gFast, "backward, shift " + s);
            assertArrayEquals(win.toArray(), SwinLayout.toWindows(fast, 4, s).toArray(), "round trip");
        }
    }

    @Test void splitHeadsIsReshapePermute() {
        Rng rng = new Rng(6);
        Tensor x = Tensor.randn(rng, 3, 5, 3 * 8).requiresGrad(true), g = Tensor.randn(rng, 3, 3, 2, 5, 4);
        Tensor fast = SwinLayout.splitHeads(x, 2);
        fast.mul(g).sum().backward();
        float[] gFast = x.grad().toArray();
        x.zeroGrad();
        Tensor ref = x.reshape(3, 5, 3, 2, 4).permute(2, 0, 3, 1, 4);
        ref.mul(g).sum().backward();
        assertArrayEquals(ref.toArray(), fast.toArray());
        assertArrayEquals(x.grad().toArray(), gFast);
    }
}
