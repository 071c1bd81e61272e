package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Layer norm over the last dim with optional affine weight and bias, on the backend row kernels. The forward
 * keeps the per-row mean and 1/std for the backward, which also accumulates the weight and bias gradients.
 */
public final class LayerNormOp {
    private LayerNormOp() {}

    /** (x - mean) / sqrt(var + eps) * weight + bias over the last dim (biased variance); weight/bias may be null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        if (x.rank() < 1) throw new IllegalArgumentException("layerNorm needs rank >= 1, got a scalar");
        int cols = x.dim(-1);
        checkAffine("weight", weight, cols);
        checkAffine("bias", bias, cols);
        Tensor xc = x.contiguous();
        if (x.device() == Device.CUDA) {
            CudaOps.requireDevice("layer_norm", weight, bias);
            CudaOps.LayerNormed saved = CudaOps.layerNorm(xc, weight, bias, eps);
            return Autograd.record("layer_norm", saved.y(), g -> CudaOps.layerNormBackward(xc, weight, saved, g.contiguous(),
                    xc.requiresGrad(), weight != null && weight.requiresGrad(), bias != null && bias.requiresGrad()), xc, weight, bias);
        }
        int rows = cols == 0 ? 0 : x.size() / cols;
        float[] w = dense(weight), b = dense(bias);
        float[] y = new float[x.size()], mean = new float[rows], rstd = new float[rows];
        Backend be = Backends.current();
        be.layerNormRows(xc.array(), xc.offset(), w, b, y, 0, mean, rstd, rows, cols, eps);
        Tensor out = Tensor.of(y, x.shape());
        return Autograd.record("layer_norm", out, g -> {
            Tensor gc = g.contiguous();
            float[] gx = xc.requiresGrad() ? new float[y.length] : null;
            float[] gw = weight != null && weight.requiresGrad() ? new float[cols] : null;
            float[] gb = bias != null && bias.requiresGrad() ? new float[cols] : null;
            Backends.current().layerNormBackwardRows(xc.array(), xc.offset(), w, mean, rstd, gc.array(), gc.offset(),
                    gx == null ? new float[y.length] : gx, 0, gw, gb, rows, cols);
            return new Tensor[] {
                    gx == null ? null : Tensor.of(gx, x.shape()),
                    gw == null ? null : Tensor.of(gw, weight.shape()),
                    gb == null ? null : Tensor.of(gb, bias.shape())};
        }, xc, weight, bias);
    }

    private static void checkAffine(String what, Tensor t, int cols) {
        if (t != null && (t.rank() != 1 || t.dim(0) != cols))
            throw new IllegalArgumentException("layerNorm " + what + " must have shape [" + cols + "], got " + t.shape());
    }

    /** The values as an offset-0 dense array (the kernels take affine vectors without an offset). */
    private static float[] dense(Tensor t) {
        if (t == null) return null;
        if (t.isContiguous() && t.offset() == 0 && t.array().length == t.size()) return t.array();
        return t.toArray();
    }
}
