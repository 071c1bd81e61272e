package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.ops.Dropout;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Stochastic depth: in training mode each sample (dim 0) of a residual branch is kept with probability
 * 1−p and divided by 1−p, else zeroed. Identity in eval mode or at p = 0.
 */
public final class DropPath extends Layer {
    private final float p;
    private Rng rng;

    /** {@code rng} draws the per-sample masks (it may be null when {@code p == 0}). */
    public DropPath(float p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + p);
        if (p > 0 && rng == null) throw new IllegalArgumentException("drop path with rate " + p + " needs an Rng for its masks");
        this.p = p;
        this.rng = rng;
    }

    @Override public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return Dropout.dropPath(x, p, true, rng);
    }

    public float p() { return p; }

    /**
     * Restarts the mask stream from {@code seed}. Trainers reseed every iteration from (seed, iteration, layer),
     * so the masks of a resumed run equal those of an uninterrupted one without saving generator state.
     */
    public void reseed(long seed) { if (p > 0) rng = new Rng(seed); }

    @Override public String toString() { return "DropPath(p=" + p + ")"; }
}
