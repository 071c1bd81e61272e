package org.ibot4j.runtime.ops;

import java.util.List;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.IntTensor;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The functional facade, like {@code torch.nn.functional}: one static entry point per op, delegating to the
 * op family classes in this package (which hold the forward and backward rules). Model code reads
 * {@code F.gelu(F.linear(x, w, b))} without knowing which class implements what.
 */
public final class F {
    private F() {}

    // ------------------------------------------------------------ nn

    /** x·Wᵀ + b; x [..., in], weight [out, in], bias [out] or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return Linear.linear(x, weight, bias); }

    /** Layer norm over the last dim; weight/bias [last] or null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) { return LayerNormOp.layerNorm(x, weight, bias, eps); }

    /** Exact (erf) GELU. */
    public static Tensor gelu(Tensor x) { return Gelu.gelu(x); }

    public static Tensor relu(Tensor x) { return Elementwise.relu(x); }

    public static Tensor tanh(Tensor x) { return Elementwise.tanh(x); }

    public static Tensor softmax(Tensor x, int dim) { return Softmax.softmax(x, dim); }

    public static Tensor logSoftmax(Tensor x, int dim) { return Softmax.logSoftmax(x, dim); }

    /** Element dropout (identity unless training and p > 0). */
    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) { return Dropout.dropout(x, p, training, rng); }

    /** Per-sample stochastic depth (identity unless training and p > 0). */
    public static Tensor dropPath(Tensor x, float p, boolean training, Rng rng) { return Dropout.dropPath(x, p, training, rng); }

    /** x / max(||x||₂ over dim, eps), {@code torch.nn.functional.normalize}. */
    public static Tensor normalize(Tensor x, int dim, float eps) { return Normalize.l2Normalize(x, dim, eps); }

    /** g · v / ||v|| per output row. */
    public static Tensor weightNorm(Tensor g, Tensor v) { return Normalize.weightNorm(g, v); }

    /** Σ_dim −targets · log_softmax(logits), dim removed. */
    public static Tensor softTargetCrossEntropy(Tensor logits, Tensor targets, int dim) {
        return CrossEntropy.softTargetCrossEntropy(logits, targets, dim);
    }

    /** Patch-embedding convolution (kernel = stride). */
    public static Tensor conv2dPatch(Tensor x, Tensor weight, Tensor bias) { return PatchConv.conv2dPatch(x, weight, bias); }

    /** Bicubic resampling in scale-factor mode (align_corners=False). */
    public static Tensor interpolateBicubic(Tensor x, double scaleH, double scaleW) { return Interpolate.bicubic(x, scaleH, scaleW); }

    /** softmax(q·kᵀ·scale)·v and the probabilities. */
    public static Attention.Result scaledDotProductAttention(Tensor q, Tensor k, Tensor v, float scale) {
        return Attention.scaledDotProduct(q, k, v, scale);
    }

    // ------------------------------------------------------------ linear algebra and elementwise

    public static Tensor matmul(Tensor a, Tensor b) { return MatMul.matmul(a, b, false, false); }

    /** op(a)·op(b), op transposing the last two dims where asked (no copy). */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) { return MatMul.matmul(a, b, transA, transB); }

    public static Tensor add(Tensor a, Tensor b) { return Elementwise.add(a, b); }

    public static Tensor sub(Tensor a, Tensor b) { return Elementwise.sub(a, b); }

    public static Tensor mul(Tensor a, Tensor b) { return Elementwise.mul(a, b); }

    public static Tensor div(Tensor a, Tensor b) { return Elementwise.div(a, b); }

    public static Tensor exp(Tensor x) { return Elementwise.exp(x); }

    public static Tensor log(Tensor x) { return Elementwise.log(x); }

    public static Tensor sqrt(Tensor x) { return Elementwise.sqrt(x); }

    public static Tensor pow(Tensor x, float exponent) { return Elementwise.pow(x, exponent); }

    // ------------------------------------------------------------ reductions and shape

    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) { return Reduce.sum(x, dims, keepDim); }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) { return Reduce.mean(x, dims, keepDim); }

    public static Tensor max(Tensor x, int dim, boolean keepDim) { return Reduce.max(x, dim, keepDim); }

    public static Tensor concat(List<Tensor> parts, int dim) { return ShapeOps.concat(parts, dim); }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return ShapeOps.where(cond, a, b); }

    public static Tensor gather(Tensor x, int dim, IntTensor index) { return ShapeOps.gather(x, dim, index); }

    public static Tensor indexSelect(Tensor x, int dim, int[] index) { return ShapeOps.indexSelect(x, dim, index); }

    public static Tensor maskedFill(Tensor x, Tensor mask, float value) { return ShapeOps.maskedFill(x, mask, value); }
}
