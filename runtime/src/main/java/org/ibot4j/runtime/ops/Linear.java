package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The affine map {@code x·Wᵀ + b} of {@code torch.nn.functional.linear}: one GEMM with W read transposed in
 * place (all leading dims of x folded into the GEMM's rows), then the bias added into the fresh product.
 */
public final class Linear {
    private Linear() {}

    /** x [..., in], weight [out, in], bias [out] or null → [..., out]. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.rank() != 2) throw new IllegalArgumentException("linear weight must be [out, in], got " + weight.shape());
        if (x.rank() < 1 || x.dim(-1) != weight.dim(1))
            throw new IllegalArgumentException("linear input " + x.shape() + " does not end in in_features " + weight.dim(1)
                    + " of weight " + weight.shape());
        int out = weight.dim(0);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out))
            throw new IllegalArgumentException("linear bias must have shape [" + out + "], got " + bias.shape());
        Tensor x2 = x.rank() == 1 ? x.unsqueeze(0) : x;
        Tensor y = MatMul.matmul(x2, weight, false, true);
        if (bias != null) y = addBias(y, bias);
        return x.rank() == 1 ? y.squeeze(0) : y;
    }

    /**
     * y + bias broadcast over rows, written into y's (fresh, dense, otherwise unreferenced) storage; the result is
     * a new tensor over that storage so y's own graph node stays intact. Backward: g for y, column sums for bias.
     */
    private static Tensor addBias(Tensor y, Tensor bias) {
        if (!y.isContiguous() || y.device() == Device.CUDA) return Elementwise.add(y, bias);
        int cols = bias.dim(0), rows = cols == 0 ? 0 : y.size() / cols;
        float[] ya = y.array(), b = bias.toArray();
        int off = y.offset();
        for (int r = 0; r < rows; r++) {
            int base = off + r * cols;
            for (int j = 0; j < cols; j++) ya[base + j] += b[j];
        }
        Tensor out = Tensor.view(y.storage(), off, y.shape(), y.strides());
        return Autograd.record("linear_bias", out, g -> new Tensor[] {g, bias.requiresGrad() ? columnSums(g, rows, cols) : null}, y, bias);
    }

    /** Sums a [rows, cols] (any leading shape) gradient over its rows, in double. */
    static Tensor columnSums(Tensor g, int rows, int cols) {
        Tensor gc = g.contiguous();
        float[] ga = gc.array();
        double[] acc = new double[cols];
        int off = gc.offset();
        for (int r = 0; r < rows; r++) {
            int base = off + r * cols;
            for (int j = 0; j < cols; j++) acc[j] += ga[base + j];
        }
        float[] s = new float[cols];
        for (int j = 0; j < cols; j++) s[j] = (float) acc[j];
        return Tensor.of(s, cols);
    }
}
