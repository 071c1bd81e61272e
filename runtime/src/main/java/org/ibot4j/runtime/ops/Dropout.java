package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Dropout and per-sample drop path (TODO: implement). */
public final class Dropout {
    private Dropout() {}

    /** Zeroes each element with probability p and scales the rest by 1/(1-p) when training. */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) { throw new UnsupportedOperationException("TODO"); }

    /** Per sample (dim 0): keep the whole sample with probability 1-p and scale by 1/(1-p), else zero it. */
    public static Tensor dropPath(Tensor x, float p, boolean training, Rng rng) { throw new UnsupportedOperationException("TODO"); }
}
