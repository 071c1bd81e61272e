package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.tensor.Tensor;

/** Exact (erf) GELU; no parameters. */
public final class Gelu extends Layer {
    @Override public Tensor forward(Tensor x) { return org.ibot4j.runtime.ops.Gelu.gelu(x); }

    @Override public String toString() { return "GELU()"; }
}
