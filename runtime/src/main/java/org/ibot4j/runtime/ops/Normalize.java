package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** L2 normalisation and weight normalisation (TODO: implement). */
public final class Normalize {
    private Normalize() {}

    /** x / max(||x||_2 over dim, eps), like torch.nn.functional.normalize. */
    public static Tensor l2Normalize(Tensor x, int dim, float eps) { throw new UnsupportedOperationException("TODO"); }

    /** W = g * v / ||v|| with the norm over all dims but 0 (one norm per output row); g has shape [out, 1, ...]. */
    public static Tensor weightNorm(Tensor g, Tensor v) { throw new UnsupportedOperationException("TODO"); }
}
