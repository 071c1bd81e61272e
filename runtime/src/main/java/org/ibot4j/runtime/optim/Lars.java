package org.ibot4j.runtime.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * LARS as in DINO/iBOT {@code utils.LARS}. For every parameter whose rank is not 1:
 * {@code d = g + wd*p}, then {@code q = η‖p‖/‖d‖} when both norms are positive (else 1) and {@code d *= q}.
 * 1-D parameters (biases, norms) get neither decay nor trust scaling. Then {@code μbuf = momentum*μbuf + d}
 * (zero-initialised) and {@code p -= lr*μbuf}. Parameters without a gradient are skipped.
 */
public final class Lars implements Optimizer {
    private final List<ParamGroup> groups;
    private final double momentum;
    private final double eta;
    private final Map<Tensor, float[]> mu = new IdentityHashMap<>();

    /** momentum 0.9, trust coefficient η = 0.001. */
    public Lars(List<ParamGroup> groups) { this(groups, 0.9, 0.001); }

    public Lars(List<ParamGroup> groups, double momentum, double eta) {
        if (!(momentum >= 0)) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
        if (!(eta > 0)) throw new IllegalArgumentException("trust coefficient eta must be > 0, got " + eta);
        this.groups = Params.validate(groups);
        this.momentum = momentum;
        this.eta = eta;
    }

    @Override public List<ParamGroup> groups() { return groups; }

    /** The momentum buffer of {@code param} (live), or null before its first step. */
    public float[] momentumBuffer(Tensor param) { return mu.get(param); }

    @Override public void step() {
        float m = (float) momentum;
        for (ParamGroup grp : groups) {
            float wd = (float) grp.weightDecay();
            float negLr = (float) -grp.lr();
            for (ParamGroup.Entry e : grp.params()) {
                Tensor p = e.tensor();
                Tensor grad = Params.denseGrad(p);
                if (grad == null) continue;
                Params.requireHost(p, "LARS");
                float[] pa = p.array(), ga = grad.array();
                int po = p.offset(), go = grad.offset(), n = p.size();
                float[] d = new float[n];
                System.arraycopy(ga, go, d, 0, n);
                if (p.rank() != 1) {
                    for (int i = 0; i < n; i++) d[i] = d[i] + wd * pa[po + i];
                    float paramNorm = (float) Math.sqrt(Params.sumSquares(pa, po, n));
                    float updateNorm = (float) Math.sqrt(Params.sumSquares(d, 0, n));
                    float q = paramNorm > 0 && updateNorm > 0 ? (float) eta * paramNorm / updateNorm : 1f;
                    for (int i = 0; i < n; i++) d[i] = d[i] * q;
                }
                float[] buf = mu.computeIfAbsent(p, k -> new float[n]);
                for (int i = 0; i < n; i++) {
                    buf[i] = buf[i] * m + d[i];
                    pa[po + i] = pa[po + i] + negLr * buf[i];
                }
            }
        }
    }
}
