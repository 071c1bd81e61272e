package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.tensor.Tensor;

/** Returns its input; stands in where a layer is configured away (e.g. {@code nn.Identity} heads). */
public final class Identity extends Layer {
    @Override public Tensor forward(Tensor x) { return x; }

    @Override public String toString() { return "Identity()"; }
}
