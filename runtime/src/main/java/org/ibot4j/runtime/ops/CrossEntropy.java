package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Soft-target cross-entropy (TODO: implement). */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** sum over dim of -targets * log_softmax(logits); the dim is removed. */
    public static Tensor softTargetCrossEntropy(Tensor logits, Tensor targets, int dim) { throw new UnsupportedOperationException("TODO"); }
}
