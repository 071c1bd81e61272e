package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Patch-embedding convolution, stride = kernel (TODO: implement). */
public final class PatchConv {
    private PatchConv() {}

    /** x [N,C,H,W], weight [D,C,p,p], bias [D] or null → [N,D,H/p,W/p] (trailing pixels dropped like PyTorch). */
    public static Tensor conv2dPatch(Tensor x, Tensor weight, Tensor bias) { throw new UnsupportedOperationException("TODO"); }
}
