package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** x·Wᵀ + b (TODO: implement). */
public final class Linear {
    private Linear() {}

    /** x [..., in], weight [out, in], bias [out] or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { throw new UnsupportedOperationException("TODO"); }
}
