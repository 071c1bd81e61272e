package org.ibot4j.runtime.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * SGD with momentum, PyTorch semantics ({@code torch.optim.SGD}, dampening 0):
 * <pre>
 *   d = g + wd*p                         (when wd != 0)
 *   buf = d on the first step, else buf*μ + d
 *   d = nesterov ? d + μ*buf : buf       (when μ != 0)
 *   p = p - lr*d
 * </pre>
 * Parameters without a gradient are skipped.
 */
public final class Sgd implements Optimizer {
    private final List<ParamGroup> groups;
    private final double momentum;
    private final boolean nesterov;
    private final Map<Tensor, float[]> buffers = new IdentityHashMap<>();

    public Sgd(List<ParamGroup> groups, double momentum) { this(groups, momentum, false); }

    public Sgd(List<ParamGroup> groups, double momentum, boolean nesterov) {
        if (!(momentum >= 0)) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("nesterov momentum needs momentum > 0");
        this.groups = Params.validate(groups);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override public List<ParamGroup> groups() { return groups; }

    public double momentum() { return momentum; }

    /** The momentum buffer of {@code param} (live), or null before its first step or without momentum. */
    public float[] momentumBuffer(Tensor param) { return buffers.get(param); }

    @Override public void step() {
        float mu = (float) momentum;
        for (ParamGroup grp : groups) {
            float wd = (float) grp.weightDecay();
            float negLr = (float) -grp.lr();
            for (ParamGroup.Entry e : grp.params()) {
                Tensor p = e.tensor();
                Tensor grad = Params.denseGrad(p);
                if (grad == null) continue;
                Params.requireHost(p, "SGD");
                float[] pa = p.array(), ga = grad.array();
                int po = p.offset(), go = grad.offset(), n = p.size();
                float[] d = new float[n];
                for (int i = 0; i < n; i++) d[i] = wd != 0 ? ga[go + i] + wd * pa[po + i] : ga[go + i];
                if (momentum != 0) {
                    float[] buf = buffers.get(p);
                    if (buf == null) {
                        buf = d.clone();
                        buffers.put(p, buf);
                    } else {
                        for (int i = 0; i < n; i++) buf[i] = buf[i] * mu + d[i];
                    }
                    if (nesterov) for (int i = 0; i < n; i++) d[i] = d[i] + mu * buf[i];
                    else System.arraycopy(buf, 0, d, 0, n);
                }
                for (int i = 0; i < n; i++) pa[po + i] = pa[po + i] + negLr * d[i];
            }
        }
    }
}
