package org.ibot4j.runtime.autograd;

import org.ibot4j.runtime.tensor.Tensor;

/**
 * The backward rule of one op application: given dL/d(output), returns dL/d(input_i) for each recorded
 * input, in order (null where an input needs no gradient). Runs with gradient recording disabled.
 * The lambda captures what it needs from the forward (saved activations); the engine drops it after use.
 */
@FunctionalInterface
public interface BackwardFn {
    Tensor[] apply(Tensor gradOutput);
}
