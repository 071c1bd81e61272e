package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Element dropout with rate {@code p} in training mode (scaled by 1/(1−p)); identity in eval mode or at p = 0. */
public final class Dropout extends Layer {
    private final float p;
    private final Rng rng;

    /** {@code rng} draws the masks (it may be null when {@code p == 0}). */
    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p);
        if (p > 0 && rng == null) throw new IllegalArgumentException("dropout with rate " + p + " needs an Rng for its masks");
        this.p = p;
        this.rng = rng;
    }

    @Override public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return org.ibot4j.runtime.ops.Dropout.dropout(x, p, true, rng);
    }

    public float p() { return p; }

    @Override public String toString() { return "Dropout(p=" + p + ")"; }
}
