package org.ibot4j.runtime.golden;

/**
 * A golden tolerance: element {@code i} passes when {@code |actual - expected| <= rtol * |expected| + atol},
 * where {@code atol = scaleFactor * max|expected|}. The second term judges elements much smaller than the
 * tensor's largest value (cancellation in sums) against the tensor's scale rather than their own.
 */
record Tol(double rtol, double scaleFactor) {
    /** About 1e-5 relative: what single float32 ops and short reductions reach against PyTorch. */
    static final Tol OP = new Tol(1e-5, 1e-5);

    /** Composite computations (a whole block, several layers): 1e-4 relative, 1e-5 of the tensor's scale. */
    static final Tol COMPOSITE = new Tol(1e-4, 1e-5);
}
