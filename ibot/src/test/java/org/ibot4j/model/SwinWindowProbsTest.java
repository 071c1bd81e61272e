package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The fused window-attention probabilities against the composed ops and against finite differences. */
class SwinWindowProbsTest {
    private static final float SCALE = 0.57f;

    private static Tensor composed(Tensor q, Tensor k, Tensor bias, Tensor mask) {
        int b = q.dim(0), h = q.dim(1), n = q.dim(2), nw = mask.dim(0);
        Tensor l = q.mul(SCALE).matmul(k.transpose(-2, -1)).add(bias);
        return l.reshape(b / nw, nw, h, n, n).add(mask.reshape(1, nw, 1, n, n)).reshape(b, h, n, n).softmax(-1);
    }

    private static Tensor mask(int nw, int n) {
        Tensor m = Tensor.zeros(nw, n, n);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if ((i + j) % 3 == 0 && i != j) m.set(-100f, 1, i, j);
        return m;
    }

    @Test void matchesTheComposedOps() {
        Rng rng = new Rng(11);
        int b = 4, h = 2, n = 4, d = 3;
        Tensor q = Tensor.randn(rng, b, h, n, d).requiresGrad(true), k = Tensor.randn(rng, b, h, n, d).requiresGrad(true);
        Tensor bias = Tensor.randn(rng, h, n, n).requiresGrad(true), m = mask(2, n), g = Tensor.randn(rng, b, h, n, n);
        Tensor p = WindowAttentionProbs.compute(q, k, SCALE, bias, m);
        p.mul(g).sum().backward();
        float[] gq = q.grad().toArray(), gk = k.grad().toArray(), gb = bias.grad().toArray();
        q.zeroGrad(); k.zeroGrad(); bias.zeroGrad();
        Tensor r = composed(q, k, bias, m);
        r.mul(g).sum().backward();
        Close.assertClose("probs", r, p, 1e-6);
        Close.assertClose("grad q", q.grad(), Tensor.of(gq, q.dims()), 1e-5);
        Close.assertClose("grad k", k.grad(), Tensor.of(gk, k.dims()), 1e-5);
        Close.assertClose("grad bias", bias.grad(), Tensor.of(gb, bias.dims()), 1e-5);
        Tensor noMask = WindowAttentionProbs.compute(q, k, SCALE, bias, null);
        Close.assertClose("probs without mask", composed(q, k, bias, Tensor.zeros(1, n, n)), noMask, 1e-6);
    }

    @Test void gradientsMatchFiniteDifferences() {
        Rng rng = new Rng(12);
        int b = 2, h = 2, n = 4, d = 2;
        Tensor q = Tensor.randn(rng, b, h, n, d).requiresGrad(true), k = Tensor.randn(rng, b, h, n, d).requiresGrad(true);
        Tensor bias = Tensor.randn(rng, h, n, n).requiresGrad(true), m = mask(2, n), g = Tensor.randn(rng, b, h, n, n);
        WindowAttentionProbs.compute(q, k, SCALE, bias, m).mul(g).sum().backward();
        for (Tensor t : new Tensor[] {q, k, bias}) {
            float[] analytic = t.grad().toArray();
            for (int i = 0; i < t.size(); i += 3) {
                double fd = (loss(t, i, 1e-2f, q, k, bias, m, g) - loss(t, i, -1e-2f, q, k, bias, m, g)) / 2e-2;
                assertEquals(fd, analytic[i], 2e-3 * Math.max(1, Math.abs(fd)), "element " + i + " of " + t.shape());
            }
        }
    }

    private static double loss(Tensor t, int i, float delta, Tensor q, Tensor k, Tensor bias, Tensor m, Tensor g) {
        float[] a = t.array();
        int at = t.offset() + i;
        float keep = a[at];
        a[at] = keep + delta;
        try (var ng = GradMode.noGrad()) {
            float[] p = WindowAttentionProbs.compute(q, k, SCALE, bias, m).toArray(), gv = g.toArray();
            double s = 0;
            for (int j = 0; j < p.length; j++) s += (double) p[j] * gv[j];
            return s;
        } finally {
            a[at] = keep;
        }
    }
}
