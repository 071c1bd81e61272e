package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** Bicubic 2-D interpolation, PyTorch align_corners=False, A=-0.75, scale-factor mode (TODO: implement). */
public final class Interpolate {
    private Interpolate() {}

    /** x [N,C,H,W] → [N,C,floor(H*scaleH),floor(W*scaleW)], source coordinate (dst+0.5)/scale-0.5. */
    public static Tensor bicubic(Tensor x, double scaleH, double scaleW) { throw new UnsupportedOperationException("TODO"); }
}
