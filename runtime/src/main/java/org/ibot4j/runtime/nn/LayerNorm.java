package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.ops.LayerNormOp;
import org.ibot4j.runtime.tensor.Tensor;

/** Layer norm over the last dim with affine {@code weight} (ones) and {@code bias} (zeros). */
public final class LayerNorm extends Layer {
    private final int dim;
    private final float eps;
    private final Parameter weight, bias;

    public LayerNorm(int dim, float eps) {
        if (dim <= 0) throw new IllegalArgumentException("LayerNorm needs a positive size, got " + dim);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm eps must be > 0, got " + eps);
        this.dim = dim;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(dim));
        this.bias = registerParameter("bias", Tensor.zeros(dim));
    }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.dim(-1) != dim) throw new IllegalArgumentException("LayerNorm(" + dim + ") got input of shape " + x.shape());
        return LayerNormOp.layerNorm(x, weight.tensor(), bias.tensor(), eps);
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public float eps() { return eps; }

    @Override public String toString() { return "LayerNorm(" + dim + ", eps=" + eps + ")"; }
}
