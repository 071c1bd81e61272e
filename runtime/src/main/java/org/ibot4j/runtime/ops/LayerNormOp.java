package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Layer norm over the last dim with optional affine weight and bias (TODO: implement). */
public final class LayerNormOp {
    private LayerNormOp() {}

    /** (x - mean) / sqrt(var + eps) * weight + bias over the last dim; weight/bias may be null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { throw new UnsupportedOperationException("TODO"); }
}
