package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * L2 normalisation ({@code torch.nn.functional.normalize}) and weight normalisation
 * ({@code torch._weight_norm} with dim 0), each one fused op with an analytic backward; norms in double.
 */
public final class Normalize {
    private Normalize() {}

    /**
     * x / max(||x||₂ over dim, eps), like torch.nn.functional.normalize. Where the norm is below eps the
     * denominator is the constant eps, so the gradient is g/eps there (the clamp passes no gradient to the norm).
     */
    public static Tensor l2Normalize(Tensor x, int dim, float eps) {
        int a = x.shape().axis(dim);
        if (x.device() == Device.CUDA) {
            // composed of recorded ops: max(‖x‖, eps) as relu(‖x‖ − eps) + eps (equal to ‖x‖ whenever eps is below its ulp)
            Tensor norm = Reduce.sum(x.mul(x), new int[] {a}, true).sqrt();
            return x.div(norm.sub(eps).relu().add(eps));
        }
        int outer = x.shape().outer(a), len = x.dim(a), inner = x.shape().inner(a);
        Tensor xc = x.contiguous();
        float[] xa = xc.array();
        int xo = xc.offset();
        float[] y = new float[x.size()];
        double[] norm = new double[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++) {
                int base = xo + o * len * inner + j;
                double s = 0;
                for (int i = 0; i < len; i++) { double v = xa[base + i * inner]; s += v * v; }
                double nrm = Math.sqrt(s);
                norm[o * inner + j] = nrm;
                double inv = 1.0 / Math.max(nrm, eps);
                int yb = base - xo;
                for (int i = 0; i < len; i++) y[yb + i * inner] = (float) (xa[base + i * inner] * inv);
            }
        Tensor out = Tensor.of(y, x.shape());
        return Autograd.record("l2_normalize", out, g -> {
            Tensor gc = g.contiguous();
            float[] ga = gc.array(), gx = new float[y.length];
            int go = gc.offset();
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < inner; j++) {
                    int rel = o * len * inner + j;
                    double nrm = norm[o * inner + j], den = Math.max(nrm, eps);
                    double dot = 0;
                    for (int i = 0; i < len; i++) dot += (double) ga[go + rel + i * inner] * xa[xo + rel + i * inner];
                    // d(x/n)/dx = g/n - x·(g·x)/n³ when the norm is not clamped (and nonzero)
                    double corr = nrm >= eps && nrm > 0 ? dot / (den * den * nrm) : 0;
                    for (int i = 0; i < len; i++) {
                        int k = rel + i * inner;
                        gx[k] = (float) (ga[go + k] / den - xa[xo + k] * corr);
                    }
                }
            return new Tensor[] {Tensor.of(gx, x.shape())};
        }, xc);
    }

    /**
     * W = g · v / ||v|| with the norm over all dims but 0 (one norm per output row); g has v's dim 0 and size
     * (e.g. [out, 1] or [out, 1, ...]). Gradients for v and, unless frozen (requiresGrad false), for g.
     */
    public static Tensor weightNorm(Tensor g, Tensor v) {
        if (v.rank() < 1) throw new IllegalArgumentException("weightNorm v must have an output dim, got a scalar");
        int rows = v.dim(0);
        if (g.rank() < 1 || g.dim(0) != rows || g.size() != rows)
            throw new IllegalArgumentException("weightNorm g must be [" + rows + ", 1, ...] (one gain per row of v " + v.shape() + "), got " + g.shape());
        int cols = rows == 0 ? 0 : v.size() / rows;
        if (v.device() == Device.CUDA) {  // composed of recorded ops: g · v / ‖v‖ per row
            Tensor v2 = v.reshape(rows, cols);
            Tensor norm = Reduce.sum(v2.mul(v2), new int[] {1}, true).sqrt();
            return v2.mul(g.reshape(rows, 1).div(norm)).reshape(v.dims());
        }
        Tensor vc = v.contiguous();
        float[] va = vc.array(), gv = g.toArray(), w = new float[v.size()];
        int vo = vc.offset();
        double[] norm = new double[rows];
        for (int r = 0; r < rows; r++) {
            int base = vo + r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) { double t = va[base + j]; s += t * t; }
            norm[r] = Math.sqrt(s);
            double f = gv[r] / norm[r];
            for (int j = 0; j < cols; j++) w[r * cols + j] = (float) (va[base + j] * f);
        }
        Tensor out = Tensor.of(w, v.shape());
        Shape gShape = g.shape();
        return Autograd.record("weight_norm", out, gw -> {
            Tensor gc = gw.contiguous();
            float[] ga = gc.array();
            int go = gc.offset();
            float[] gg = g.requiresGrad() ? new float[rows] : null;
            float[] gvv = vc.requiresGrad() ? new float[w.length] : null;
            for (int r = 0; r < rows; r++) {
                double dot = 0;  // Σ gW·v
                for (int j = 0; j < cols; j++) dot += (double) ga[go + r * cols + j] * va[vo + r * cols + j];
                double n = norm[r];
                if (gg != null) gg[r] = (float) (dot / n);
                if (gvv != null) {
                    double f = gv[r] / n, c = gv[r] * dot / (n * n * n);
                    for (int j = 0; j < cols; j++) {
                        int k = r * cols + j;
                        gvv[k] = (float) (ga[go + k] * f - va[vo + k] * c);
                    }
                }
            }
            return new Tensor[] {gg == null ? null : Tensor.of(gg, gShape), gvv == null ? null : Tensor.of(gvv, v.shape())};
        }, g, vc);
    }
}
