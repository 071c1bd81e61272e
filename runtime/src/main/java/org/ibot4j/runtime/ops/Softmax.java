package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/** Softmax and log-softmax over any dim (the backend kernels work on the last dim; other dims transpose). */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int dim) { return apply(x, dim, false); }

    public static Tensor logSoftmax(Tensor x, int dim) { return apply(x, dim, true); }

    private static Tensor apply(Tensor x, int dim, boolean log) {
        int a = x.shape().axis(dim);
        if (a != x.rank() - 1) return apply(x.transpose(a, -1), -1, log).transpose(a, -1);
        Tensor xc = x.contiguous();
        if (x.device() == Device.CUDA) {
            Tensor yd = CudaOps.softmaxRows(xc, log);
            return Autograd.record(log ? "log_softmax" : "softmax", yd,
                    g -> new Tensor[] {CudaOps.softmaxBackwardRows(yd, g.contiguous(), log)}, xc);
        }
        int cols = x.dim(-1), rows = cols == 0 ? 0 : x.size() / cols;
        float[] y = new float[x.size()];
        Backends.current().softmaxRows(xc.array(), xc.offset(), y, 0, rows, cols, log);
        Tensor out = Tensor.of(y, x.shape());
        return Autograd.record(log ? "log_softmax" : "softmax", out, g -> {
            Tensor gc = g.contiguous();
            float[] gx = new float[y.length];
            Backends.current().softmaxBackwardRows(y, 0, gc.array(), gc.offset(), gx, 0, rows, cols, log);
            return new Tensor[] {Tensor.of(gx, out.shape())};
        }, xc);
    }
}
