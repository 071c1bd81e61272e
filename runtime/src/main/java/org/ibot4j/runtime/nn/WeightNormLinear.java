package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.ops.Normalize;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * {@code nn.utils.weight_norm(nn.Linear(in, out))}: the weight is {@code W = g · v/‖v‖} with one norm per
 * output row. Parameters (PyTorch order and names): {@code bias} (optional), {@code weight_g [out, 1]},
 * {@code weight_v [out, in]}. {@code v} gets the default Linear init and {@code g} its row norms, so the
 * initial {@code W} equals {@code v} — as in PyTorch. The DINO/iBOT heads then fill {@code g} with 1 and may
 * freeze it ({@link #weightG()}).
 */
public final class WeightNormLinear extends Layer {
    private final int inFeatures, outFeatures;
    private final Parameter bias, weightG, weightV;

    public WeightNormLinear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new IllegalArgumentException("WeightNormLinear needs positive sizes, got in=" + inFeatures + " out=" + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Tensor v = Init.defaultWeight(Tensor.zeros(outFeatures, inFeatures), rng);
        this.bias = bias ? registerParameter("bias", Init.defaultBias(Tensor.zeros(outFeatures), inFeatures, rng)) : null;
        float[] va = v.array();
        float[] g = new float[outFeatures];
        for (int o = 0; o < outFeatures; o++) {
            double s = 0;
            for (int i = 0; i < inFeatures; i++) { double x = va[o * inFeatures + i]; s += x * x; }
            g[o] = (float) Math.sqrt(s);
        }
        this.weightG = registerParameter("weight_g", Tensor.of(g, outFeatures, 1));
        this.weightV = registerParameter("weight_v", v);
    }

    /** The effective weight {@code g · v/‖v‖} (recorded, so gradients reach g and v). */
    public Tensor weight() { return Normalize.weightNorm(weightG.tensor(), weightV.tensor()); }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != inFeatures)
            throw new IllegalArgumentException("WeightNormLinear(" + inFeatures + " → " + outFeatures + ") got input of shape " + x.shape());
        return org.ibot4j.runtime.ops.Linear.linear(x, weight(), bias == null ? null : bias.tensor());
    }

    public Parameter weightG() { return weightG; }

    public Parameter weightV() { return weightV; }

    /** The bias, or null when built without one. */
    public Parameter bias() { return bias; }
}
