package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Exact (erf) GELU (TODO: implement). */
public final class Gelu {
    private Gelu() {}

    public static Tensor gelu(Tensor x) { throw new UnsupportedOperationException("TODO"); }
}
