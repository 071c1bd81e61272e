package org.ibot4j.runtime.ops;

import static org.ibot4j.runtime.testing.Tensors.assertClose;
import static org.ibot4j.runtime.testing.Tensors.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.testing.GradCheck;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DropoutTest {
    @Test void identityWhenEvaluatingOrZeroRate() {
        Tensor x = randn(1, 4, 3);
        assertSame(x, Dropout.dropout(x, 0.5f, false, new Rng(1)));
        assertSame(x, Dropout.dropout(x, 0f, true, new Rng(1)));
        assertSame(x, Dropout.dropPath(x, 0.3f, false, new Rng(1)));
        assertSame(x, F.dropPath(x, 0f, true, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> Dropout.dropout(x, 1.5f, true, new Rng(1)));
    }

    @Test void dropoutMaskFollowsTheRngSequence() {
        Tensor x = Tensor.full(org.ibot4j.runtime.tensor.Shape.of(5, 40), 3f);
        float p = 0.25f;
        Tensor y = Dropout.dropout(x, p, true, new Rng(42));
        Rng replay = new Rng(42);
        float[] expect = new float[200];
        int kept = 0;
        for (int i = 0; i < expect.length; i++) {
            boolean keep = replay.nextFloat() >= p;
            expect[i] = keep ? 3f / (1 - p) : 0f;
            if (keep) kept++;
        }
        assertClose(expect, y, 1e-6);
        assertEquals(150, kept, 25);  // about 1-p kept
        assertClose(y, Dropout.dropout(x, p, true, new Rng(42)), 0);  // same seed, same mask
    }

    @Test void dropPathIsPerSample() {
        Tensor x = Tensor.ones(8, 2, 3);
        float p = 0.5f;
        Tensor y = Dropout.dropPath(x, p, true, new Rng(7));
        Rng replay = new Rng(7);
        for (int n = 0; n < 8; n++) {
            float m = replay.nextFloat() >= p ? 2f : 0f;
            for (int t = 0; t < 2; t++) for (int d = 0; d < 3; d++) assertEquals(m, y.get(n, t, d), 0f, "sample " + n);
        }
        assertClose(new float[48], Dropout.dropPath(x, 1f, true, new Rng(7)), 0);
    }

    @Test void backwardUsesTheSameMask() {
        Tensor x = randn(3, 6, 5);
        Tensor y = Dropout.dropout(x, 0.4f, true, new Rng(9));
        y.sum().backward();
        float[] yv = y.toArray(), xv = x.toArray(), gv = x.grad().toArray();
        for (int i = 0; i < yv.length; i++) assertEquals(yv[i] == 0f ? 0f : 1f / 0.6f, gv[i], 1e-6, "element " + i + " x=" + xv[i]);
    }

    @Test void grad() {
        GradCheck.of("dropout", in -> Dropout.dropout(in[0], 0.3f, true, new Rng(5))).check(randn(1, 4, 5));
        GradCheck.of("drop_path", in -> Dropout.dropPath(in[0], 0.5f, true, new Rng(6))).check(randn(2, 6, 2, 3));
        GradCheck.of("drop_path_strided", in -> Dropout.dropPath(in[0].transpose(0, 1), 0.5f, true, new Rng(8))).check(randn(3, 3, 6));
    }
}
