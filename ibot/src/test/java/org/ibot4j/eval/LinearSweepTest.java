package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The linear-probe sweep: the LR grid and cosine factors, the softmax cross-entropy gradient against finite
 * differences, classifiers trained together equal the same classifier trained alone, a linearly separable toy
 * set is learnt to 100%, the sweep picks the learning rate that works, and the state dict has PyTorch shapes.
 */
class LinearSweepTest {
    /** {@code n} points per class of {@code classes} Gaussian blobs in {@code dim} dims, well separated. */
    static Features.Set blobs(int n, int classes, int dim, long seed) {
        Rng rng = new Rng(seed);
        float[] f = new float[n * classes * dim];
        int[] y = new int[n * classes];
        for (int i = 0; i < n * classes; i++) {
            y[i] = i % classes;
            for (int d = 0; d < dim; d++) f[i * dim + d] = (float) (0.3 * rng.nextGaussian() + (d == y[i] ? 2 : 0));
        }
        return new Features.Set(f, y, dim);
    }

    @Test
    void grid() {
        double[] lrs = LinearSweep.defaultBaseLrs();
        assertEquals(45, lrs.length);
        assertEquals(1e-4, lrs[0], 0);
        assertEquals(9e-4, lrs[8], 1e-18);
        assertEquals(1e-3, lrs[9], 0);
        assertEquals(0.05, lrs[22], 1e-15);
        assertEquals(9.0, lrs[44], 0);
        for (int i = 1; i < 45; i++) assertTrue(lrs[i] > lrs[i - 1]);
        LinearSweep.Config c = new LinearSweep.Config(new double[] {1e-3}, 100, 128, 0.9, 0, 1, 0);
        assertEquals(5e-4, c.lr(0), 1e-18, "lr = base * 128 / 256");
        // CosineAnnealingLR(T_max=4, eta_min=0): epochs 0..3
        double[] want = {1.0, 0.8535533905932737, 0.5, 0.14644660940672627};
        for (int e = 0; e < 4; e++) assertEquals(want[e], LinearSweep.lrFactor(e, 4), 1e-15);
        assertEquals(1.0, LinearSweep.lrFactor(0, 100), 0);
        assertEquals(0.5, LinearSweep.lrFactor(50, 100), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new LinearSweep.Config(new double[0], 1, 1, 0.9, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearSweep.Config(new double[] {1}, 0, 1, 0.9, 0, 1, 0));
    }

    @Test
    void softmaxGradientMatchesFiniteDifferences() {
        int bs = 3, nl = 2, classes = 4, lc = nl * classes;
        Rng rng = new Rng(3);
        float[] logits = new float[bs * lc], bias = new float[lc];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) rng.nextGaussian();
        for (int i = 0; i < lc; i++) bias[i] = (float) (0.1 * rng.nextGaussian());
        int[] y = {2, 0, 3};
        float[] g = logits.clone();
        double[] loss = new double[nl];
        LinearSweep.softmaxGrad(g, bias, y, bs, nl, classes, loss);
        double h = 1e-3;
        for (int i = 0; i < logits.length; i++) {
            int l = (i % lc) / classes;
            float[] p = logits.clone(), m = logits.clone();
            p[i] += (float) h;
            m[i] -= (float) h;
            double[] lp = new double[nl], lm = new double[nl];
            LinearSweep.softmaxGrad(p, bias, y, bs, nl, classes, lp);
            LinearSweep.softmaxGrad(m, bias, y, bs, nl, classes, lm);
            assertEquals((lp[l] - lm[l]) / (2 * h), g[i], 2e-4, "dLoss/dLogit " + i);
        }
        // the loss itself: mean cross-entropy of classifier 0 by hand
        double want = 0;
        for (int r = 0; r < bs; r++) {
            double s = 0;
            for (int c = 0; c < classes; c++) s += Math.exp(logits[r * lc + c] + bias[c]);
            want += Math.log(s) - (logits[r * lc + y[r]] + bias[y[r]]);
        }
        assertEquals(want / bs, loss[0], 1e-5);
    }

    @Test
    void classifiersTrainedTogetherEqualOneTrainedAlone() {
        Features.Set train = blobs(20, 3, 5, 1), val = blobs(10, 3, 5, 2);
        LinearSweep.Config two = new LinearSweep.Config(new double[] {0.05, 3}, 4, 8, 0.9, 1e-4, 1, 9);
        LinearSweep.Config one = new LinearSweep.Config(new double[] {0.05}, 4, 8, 0.9, 1e-4, 1, 9);
        List<LinearSweep.EpochLog> logTwo = new ArrayList<>(), logOne = new ArrayList<>();
        LinearSweep.train(train, val, 3, two, logTwo::add);
        LinearSweep.Result r1 = LinearSweep.train(train, val, 3, one, logOne::add);
        for (int e = 0; e < 4; e++) {
            assertEquals(logOne.get(e).trainLoss()[0], logTwo.get(e).trainLoss()[0], 1e-5, "epoch " + (e + 1) + " loss");
            assertEquals(logOne.get(e).valTop1()[0], logTwo.get(e).valTop1()[0], 0);
            assertEquals(e + 1, logOne.get(e).epoch());
        }
        assertEquals(1, r1.bestTop1PerLr().length);
    }

    @Test
    void learnsASeparableSetAndThePickedLrIsTheBest() {
        Features.Set train = blobs(50, 4, 8, 1), val = blobs(25, 4, 8, 2);
        // 1e-7 cannot move N(0, 0.01²) weights far in 6 epochs; 0.5 learns the blobs
        LinearSweep.Config cfg = new LinearSweep.Config(new double[] {1e-7, 0.5}, 6, 16, 0.9, 0, 2, 0);
        List<LinearSweep.EpochLog> log = new ArrayList<>();
        LinearSweep.Result r = LinearSweep.train(train, val, 4, cfg, log::add);
        assertEquals(1, r.bestIndex());
        assertEquals(0.5, r.bestBaseLr(), 0);
        assertEquals(0.5 * 16 / 256, r.bestLr(), 1e-15);
        assertEquals(1.0, r.top1(), 0, "separable blobs are learnt to 100%");
        assertEquals(1.0, r.top5(), 0);
        assertTrue(r.bestTop1PerLr()[0] < 0.9, "the tiny lr stays poor: " + r.bestTop1PerLr()[0]);
        assertTrue(r.bestEpoch() == 2 || r.bestEpoch() == 4 || r.bestEpoch() == 6, "validated epochs only (val_freq 2): " + r.bestEpoch());
        assertEquals(6, log.size());
        assertTrue(!log.get(0).validated() && log.get(1).validated() && log.get(5).validated());
        assertTrue(log.get(5).trainLoss()[1] < log.get(0).trainLoss()[1], "loss falls");

        // the kept weights reproduce the reported accuracy
        int correct = 0;
        for (int i = 0; i < val.size(); i++) {
            int best = 0;
            double bestV = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 4; c++) {
                double v = r.bias()[c];
                for (int d = 0; d < 8; d++) v += r.weight()[c * 8 + d] * val.features()[i * 8 + d];
                if (v > bestV) { bestV = v; best = c; }
            }
            if (best == val.labels()[i]) correct++;
        }
        assertEquals(r.top1(), (double) correct / val.size(), 0);

        var sd = LinearProbe.stateDict(r);
        assertArrayEquals(new int[] {4, 8}, ((Tensor) sd.get("linear.weight")).dims());
        assertArrayEquals(new int[] {4}, ((Tensor) sd.get("linear.bias")).dims());
    }

    @Test
    void divergedClassifiersScoreNothing() {
        Features.Set train = blobs(10, 2, 3, 1);
        float[] huge = train.features().clone();
        for (int i = 0; i < huge.length; i++) huge[i] *= 1e30f;
        Features.Set big = new Features.Set(huge, train.labels(), 3);
        LinearSweep.Result r = LinearSweep.train(big, big, 2, new LinearSweep.Config(new double[] {9}, 3, 4, 0.9, 0, 1, 0), null);
        assertTrue(r.top1() <= 1.0);
        assertThrows(IllegalArgumentException.class, () -> LinearSweep.train(train, train, 1, new LinearSweep.Config(new double[] {1}, 1, 4, 0.9, 0, 1, 0), null),
                "label 1 outside 1 class");
    }

    @Test
    void defaultModes() {
        assertEquals(new Features.Mode(4, 0), LinearProbe.defaultMode("vit_small"));
        assertEquals(new Features.Mode(4, 0), LinearProbe.defaultMode("vit_tiny"));
        assertEquals(new Features.Mode(4, 0), LinearProbe.defaultMode("swin_tiny"));
        assertEquals(new Features.Mode(1, 2), LinearProbe.defaultMode("vit_base"));
        assertEquals(new Features.Mode(1, 2), LinearProbe.defaultMode("vit_large"));
    }
}
