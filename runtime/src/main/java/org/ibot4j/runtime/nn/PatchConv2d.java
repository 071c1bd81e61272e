package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.ops.PatchConv;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * A {@code Conv2d} whose stride equals its square kernel (patch embedding): {@code [N,C,H,W] → [N,D,H/p,W/p]},
 * trailing pixels dropped. Weight {@code [D, C, p, p]} and bias {@code [D]} with PyTorch's default Conv2d init
 * (U(±1/√(C·p²)) for both).
 */
public final class PatchConv2d extends Layer {
    private final int inChannels, outChannels, patch;
    private final Parameter weight, bias;

    public PatchConv2d(int inChannels, int outChannels, int patch, boolean bias, Rng rng) {
        if (inChannels <= 0 || outChannels <= 0 || patch <= 0)
            throw new IllegalArgumentException("PatchConv2d needs positive sizes, got in=" + inChannels + " out=" + outChannels + " patch=" + patch);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.patch = patch;
        this.weight = registerParameter("weight", Init.defaultWeight(Tensor.zeros(outChannels, inChannels, patch, patch), rng));
        this.bias = bias ? registerParameter("bias", Init.defaultBias(Tensor.zeros(outChannels), inChannels * patch * patch, rng)) : null;
    }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != inChannels)
            throw new IllegalArgumentException("PatchConv2d(" + inChannels + " → " + outChannels + ", patch " + patch + ") expects [N, " + inChannels + ", H, W], got " + x.shape());
        return PatchConv.conv2dPatch(x, weight.tensor(), bias == null ? null : bias.tensor());
    }

    public Parameter weight() { return weight; }

    /** The bias, or null when built without one. */
    public Parameter bias() { return bias; }

    public int patch() { return patch; }
}
