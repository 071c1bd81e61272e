package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.tensor.Tensor;

/** A module with one tensor in and one tensor out, so it can be chained in a {@link Sequential}. */
public abstract class Layer extends Module {
    public abstract Tensor forward(Tensor x);
}
