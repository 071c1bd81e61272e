package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.tensor.Tensor;

/** Scaled dot-product attention that also returns its probabilities (TODO: implement). */
public final class Attention {
    private Attention() {}

    /** Output and the attention probabilities (readable, e.g. for attention maps). */
    public record Result(Tensor output, Tensor probs) {}

    /** softmax(q·kᵀ·scale)·v over q [..., T, d], k [..., S, d], v [..., S, dv]; probs [..., T, S]. */
    public static Result scaledDotProduct(Tensor q, Tensor k, Tensor v, float scale) { throw new UnsupportedOperationException("TODO"); }
}
