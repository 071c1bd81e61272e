package org.ibot4j.runtime.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.backend.cuda.CudaBackend;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.backend.cuda.CudaTensors;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * AdamW with PyTorch's semantics and float32 arithmetic in the order of {@code torch.optim.AdamW}'s
 * single-tensor path (PyTorch 1.13):
 * <pre>
 *   t += 1
 *   p  = p * (1 - lr*wd)
 *   m  = m*β1 + (1-β1)*g
 *   v  = v*β2 + ((1-β2)*g)*g
 *   denom = sqrt(v) / sqrt(1-β2^t) + ε
 *   p  = p + ((-lr/(1-β1^t)) * m) / denom
 * </pre>
 * Scalars are computed in double and rounded to float once, as PyTorch does for Python scalars.
 * Parameters with no gradient are skipped entirely (no decay, no state change, no step count).
 */
public final class AdamW implements Optimizer {
    /** Per-parameter state: step count and first/second moments (dense, same length as the parameter). */
    public static final class State {
        private long step;
        private final float[] expAvg;
        private final float[] expAvgSq;

        public State(long step, float[] expAvg, float[] expAvgSq) {
            if (expAvg.length != expAvgSq.length) throw new IllegalArgumentException("exp_avg and exp_avg_sq lengths differ");
            this.step = step;
            this.expAvg = expAvg;
            this.expAvgSq = expAvgSq;
        }

        public long step() { return step; }

        /** First moment (live array, row-major like the parameter). */
        public float[] expAvg() { return expAvg; }

        /** Second moment (live array). */
        public float[] expAvgSq() { return expAvgSq; }
    }

    private final List<ParamGroup> groups;
    private final double beta1, beta2, eps;
    private final Map<Tensor, State> state = new IdentityHashMap<>();
    /** Moments of GPU parameters, kept on the device: {m, v} and the step count in {@link #state}'s State. */
    private final Map<Tensor, Tensor[]> deviceMoments = new IdentityHashMap<>();

    /** β = (0.9, 0.999), ε = 1e-8. */
    public AdamW(List<ParamGroup> groups) { this(groups, 0.9, 0.999, 1e-8); }

    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        this.groups = Params.validate(groups);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override public List<ParamGroup> groups() { return groups; }

    public double beta1() { return beta1; }

    public double beta2() { return beta2; }

    public double eps() { return eps; }

    /**
     * The state of {@code param}, or null before its first step. For a GPU parameter the moments are copied to the
     * host (for checkpoints): the returned arrays are a snapshot, not live.
     */
    public State state(Tensor param) {
        State s = state.get(param);
        Tensor[] mv = deviceMoments.get(param);
        if (s == null || mv == null) return s;
        return new State(s.step, mv[0].toArray(), mv[1].toArray());
    }

    /** Installs state for {@code param} (e.g. from a checkpoint); arrays must match the parameter's size. */
    public void setState(Tensor param, State s) {
        if (s.expAvg.length != param.size())
            throw new IllegalArgumentException("state of size " + s.expAvg.length + " for a parameter of size " + param.size());
        state.put(param, s);
        if (param.device() == Device.CUDA)
            deviceMoments.put(param, new Tensor[] {Tensor.of(s.expAvg, param.shape()).to(Device.CUDA),
                    Tensor.of(s.expAvgSq, param.shape()).to(Device.CUDA)});
        else deviceMoments.remove(param);
    }

    @Override public void step() {
        for (ParamGroup g : groups) {
            for (ParamGroup.Entry e : g.params()) {
                Tensor p = e.tensor();
                Tensor grad = Params.denseGrad(p);
                if (grad == null) continue;
                if (p.device() == Device.CUDA) { stepOnDevice(p, grad, g.lr(), g.weightDecay()); continue; }
                State s = state.computeIfAbsent(p, k -> new State(0, new float[k.size()], new float[k.size()]));
                s.step++;
                update(p.array(), p.offset(), grad.array(), grad.offset(), s, g.lr(), g.weightDecay());
            }
        }
    }

    /** The same update by the {@code ibot_adamw_update} kernel, parameters, gradients and moments on the GPU. */
    private void stepOnDevice(Tensor p, Tensor grad, double lr, double wd) {
        CudaOps.requireDevice("AdamW", grad);
        State s = state.computeIfAbsent(p, k -> new State(0, new float[0], new float[0]));
        Tensor[] mv = deviceMoments.computeIfAbsent(p, k -> s.expAvg.length == k.size()  // restored before the move
                ? new Tensor[] {Tensor.of(s.expAvg, k.shape()).to(Device.CUDA), Tensor.of(s.expAvgSq, k.shape()).to(Device.CUDA)}
                : new Tensor[] {Tensor.zeros(k.shape(), Device.CUDA), Tensor.zeros(k.shape(), Device.CUDA)});
        s.step++;
        double bc1 = 1 - Math.pow(beta1, s.step), bc2 = 1 - Math.pow(beta2, s.step);
        CudaBackend.shared().adamwUpdate(CudaTensors.address(p), CudaTensors.address(grad), CudaTensors.address(mv[0]),
                CudaTensors.address(mv[1]), p.size(), (float) (1 - lr * wd), beta1, beta2,
                (float) -(lr / bc1), (float) Math.sqrt(bc2), (float) eps);
    }

    private void update(float[] p, int po, float[] g, int go, State s, double lr, double wd) {
        int n = s.expAvg.length;
        float[] m = s.expAvg, v = s.expAvgSq;
        float decay = (float) (1 - lr * wd);
        float b1 = (float) beta1, oneMinusB1 = (float) (1 - beta1);
        float b2 = (float) beta2, oneMinusB2 = (float) (1 - beta2);
        double biasCorrection1 = 1 - Math.pow(beta1, s.step);
        double biasCorrection2 = 1 - Math.pow(beta2, s.step);
        float negStepSize = (float) -(lr / biasCorrection1);
        float bc2Sqrt = (float) Math.sqrt(biasCorrection2);
        float epsF = (float) eps;
        for (int i = 0; i < n; i++) {
            float gi = g[go + i];
            float pi = p[po + i] * decay;
            float mi = m[i] * b1 + oneMinusB1 * gi;
            float vi = v[i] * b2 + oneMinusB2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + epsF;
            p[po + i] = pi + negStepSize * mi / denom;
        }
    }
}
