package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** {@code y = x·Wᵀ + b}, weight {@code [out, in]} and optional bias {@code [out]} (names {@code weight}, {@code bias}). */
public final class Linear extends Layer {
    private final int inFeatures, outFeatures;
    private final Parameter weight, bias;

    /** With PyTorch's default init (weight and bias U(±1/√in)) drawn from {@code rng}. */
    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + inFeatures + " out=" + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Init.defaultWeight(Tensor.zeros(outFeatures, inFeatures), rng));
        this.bias = bias ? registerParameter("bias", Init.defaultBias(Tensor.zeros(outFeatures), inFeatures, rng)) : null;
    }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != inFeatures)
            throw new IllegalArgumentException("Linear(" + inFeatures + " → " + outFeatures + ") got input of shape " + x.shape());
        return org.ibot4j.runtime.ops.Linear.linear(x, weight.tensor(), bias == null ? null : bias.tensor());
    }

    public Parameter weight() { return weight; }

    /** The bias, or null when built without one. */
    public Parameter bias() { return bias; }

    public int inFeatures() { return inFeatures; }

    public int outFeatures() { return outFeatures; }

    /** The timm/DINO ViT init: weight truncated normal (std, ±2 absolute), bias 0. */
    public void initTruncNormal(double std, Rng rng) {
        Init.truncNormal(weight.tensor(), std, rng);
        if (bias != null) Init.zeros(bias.tensor());
    }

    @Override public String toString() { return "Linear(" + inFeatures + ", " + outFeatures + ", bias=" + (bias != null) + ")"; }
}
