package org.ibot4j.runtime.optim;

import java.util.List;

/**
 * An optimiser over parameter groups. {@link #step()} updates every parameter that has a gradient in place
 * (gradient-less parameters are skipped); per-parameter state is keyed by tensor identity.
 */
public interface Optimizer {
    /** One update from the gradients currently stored on the parameters. Runs without recording autograd. */
    void step();

    /** The groups, in construction order; their lr / weight decay may be changed between steps. */
    List<ParamGroup> groups();

    /** Clears every parameter's gradient (sets it to null, like PyTorch's {@code set_to_none=True}). */
    default void zeroGrad() {
        for (ParamGroup g : groups()) for (ParamGroup.Entry e : g.params()) e.tensor().zeroGrad();
    }

    /** Sets the learning rate of all groups. */
    default void setLr(double lr) {
        for (ParamGroup g : groups()) g.setLr(lr);
    }
}
