package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/** Exact (erf) GELU, {@code x·Φ(x)}, as {@code torch.nn.GELU()} with its default approximate='none'. */
public final class Gelu {
    private Gelu() {}

    public static Tensor gelu(Tensor x) {
        Tensor xc = x.contiguous();
        if (x.device() == Device.CUDA)
            return Autograd.record("gelu", CudaOps.gelu(xc), g -> new Tensor[] {CudaOps.geluBackward(xc, g.contiguous())}, xc);
        float[] y = new float[x.size()];
        Backends.current().gelu(xc.array(), xc.offset(), y, 0, y.length);
        Tensor out = Tensor.of(y, x.shape());
        return Autograd.record("gelu", out, g -> {
            Tensor gc = g.contiguous();
            float[] gx = new float[y.length];
            Backends.current().geluBackward(xc.array(), xc.offset(), gc.array(), gc.offset(), gx, 0, gx.length);
            return new Tensor[] {Tensor.of(gx, x.shape())};
        }, xc);
    }
}
