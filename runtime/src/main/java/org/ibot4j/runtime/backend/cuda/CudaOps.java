package org.ibot4j.runtime.backend.cuda;

import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The device halves of the runtime's ops: what {@code org.ibot4j.runtime.ops} calls when its inputs live on the GPU.
 * Each method takes and returns device tensors (no autograd here: the ops record the graph around these calls, so
 * forward and backward rules are shared with the CPU) and only enqueues work: nothing is copied to the host.
 * Strided views and broadcasting go to the generic {@code ibot_map}/{@code ibot_reduce} kernels, rows to the row
 * kernels, products to cuBLAS through {@link CudaBackend#shared()}.
 */
public final class CudaOps {
    private CudaOps() {}

    static CudaBackend backend() { return CudaBackend.shared(); }

    private static long addr(Tensor t) { return CudaTensors.address(t); }

    /** Refuses mixed devices with PyTorch's kind of message. */
    public static void requireDevice(String op, Tensor... ts) {
        for (Tensor t : ts)
            if (t != null && t.device() != org.ibot4j.runtime.tensor.Device.CUDA)
                throw new IllegalArgumentException(op + ": expected all tensors on cuda, but one " + t.shape() + " is on "
                        + t.device().name().toLowerCase() + "; move it with .to(Device.CUDA)");
    }

    // ---- copies ----------------------------------------------------------------------------------------

    /** A dense copy of a (possibly strided) device tensor. */
    public static Tensor contiguousCopy(Tensor x) {
        Tensor out = CudaTensors.empty(x.shape());
        copy(x, out);
        return out;
    }

    /** Copies src's values into dst (same shape; either may be strided; src may be on the host). */
    public static void copy(Tensor src, Tensor dst) {
        Tensor s = src.device() == dst.device() ? src : CudaTensors.upload(src);
        StridedKernels.map(MapOp.COPY, 0f, dst.dims(), addr(s), s.strides(), 0L, null, 0L, null, addr(dst), dst.strides());
    }

    /** Sets every element of a (possibly strided) device tensor to v. */
    public static void fill(Tensor dst, float v) {
        StridedKernels.map(MapOp.FILL, v, dst.dims(), 0L, null, 0L, null, 0L, null, addr(dst), dst.strides());
    }

    /**
     * {@code out = x} gathered along {@code axis} by int32 indices at {@code idx} with strides {@code sIdx} over the output
     * shape {@code shape} (index_select: a 1-D index broadcast over the other dims; gather: an index tensor of that shape).
     */
    public static Tensor gather(Tensor x, int axis, org.ibot4j.runtime.tensor.DeviceStorage idx, int[] sIdx, Shape shape) {
        Tensor out = CudaTensors.empty(shape);
        int[] sx = x.strides();
        int axisStride = sx[axis];
        sx[axis] = 0;
        StridedKernels.gather(false, shape.dims(), addr(x), sx, idx.address(), sIdx, axisStride, addr(out), out.strides());
        return out;
    }

    /** The adjoint of {@link #gather}: a dense zero gradient of {@code xShape} with {@code g} scattered-added into it. */
    public static Tensor scatterAdd(Shape xShape, int axis, org.ibot4j.runtime.tensor.DeviceStorage idx, int[] sIdx, Tensor g) {
        Tensor gx = CudaTensors.zeros(xShape);
        int[] sx = gx.strides();
        int axisStride = sx[axis];
        sx[axis] = 0;
        StridedKernels.gather(true, g.dims(), addr(gx), sx, idx.address(), sIdx, axisStride, addr(g), g.strides());
        return gx;
    }

    // ---- elementwise -----------------------------------------------------------------------------------

    /** Dense result of a unary map of a device tensor. */
    public static Tensor unary(UnaryOp op, Tensor x, float param) {
        Tensor out = CudaTensors.empty(x.shape());
        StridedKernels.map(mapOf(op), param, x.dims(), addr(x), x.strides(), 0L, null, 0L, null, addr(out), out.strides());
        return out;
    }

    /** Dense result of a broadcasting binary op; a and b are already expanded views of {@code shape}. */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b, Shape shape) {
        Tensor out = CudaTensors.empty(shape);
        StridedKernels.map(mapOf(op), 0f, shape.dims(), addr(a), a.strides(), addr(b), b.strides(), 0L, null,
                addr(out), out.strides());
        return out;
    }

    /** Dense {@code op(a, b, c)} over views already expanded to {@code shape} (WHERE, RELU_GRAD, MASKED_FILL ...). */
    public static Tensor map(MapOp op, float p, Shape shape, Tensor a, Tensor b, Tensor c) {
        Tensor out = CudaTensors.empty(shape);
        StridedKernels.map(op, p, shape.dims(), CudaTensors.addressOrNull(a), a == null ? null : a.strides(),
                CudaTensors.addressOrNull(b), b == null ? null : b.strides(), CudaTensors.addressOrNull(c),
                c == null ? null : c.strides(), addr(out), out.strides());
        return out;
    }

    /** dst += alpha·src in place; src is already expanded to dst's shape. */
    public static void axpy(Tensor dst, Tensor src, float alpha) {
        StridedKernels.map(MapOp.AXPY, alpha, dst.dims(), addr(src), src.strides(), 0L, null, 0L, null, addr(dst), dst.strides());
    }

    /** x *= s in place. */
    public static void scale(Tensor x, float s) {
        StridedKernels.map(MapOp.MUL_SCALAR, s, x.dims(), addr(x), x.strides(), 0L, null, 0L, null, addr(x), x.strides());
    }

    static MapOp mapOf(UnaryOp op) {
        return switch (op) {
            case ADD_SCALAR -> MapOp.ADD_SCALAR;
            case MUL_SCALAR -> MapOp.MUL_SCALAR;
            case EXP -> MapOp.EXP;
            case LOG -> MapOp.LOG;
            case SQRT -> MapOp.SQRT;
            case TANH -> MapOp.TANH;
            case POW -> MapOp.POW;
            case RELU -> MapOp.RELU;
        };
    }

    static MapOp mapOf(BinaryOp op) {
        return switch (op) {
            case ADD -> MapOp.ADD;
            case SUB -> MapOp.SUB;
            case MUL -> MapOp.MUL;
            case DIV -> MapOp.DIV;
        };
    }

    // ---- reductions ------------------------------------------------------------------------------------

    /** Sum over the axes flagged in {@code reduced}; a dense result of {@code kept} (reduced axes of size 1). */
    public static Tensor sum(Tensor x, boolean[] reduced, Shape kept) {
        Tensor out = CudaTensors.empty(kept);
        reduce(false, x, reduced, out, 0L);
        return out;
    }

    /** Maximum along one axis (kept with size 1), and the first arg-max per output in {@code arg} when non-null. */
    public static Tensor max(Tensor x, int axis, Tensor argOut) {
        boolean[] reduced = new boolean[x.rank()];
        reduced[axis] = true;
        Tensor out = CudaTensors.empty(x.shape().with(axis, 1));
        reduce(true, x, reduced, out, argOut == null ? 0L : addr(argOut));
        return out;
    }

    private static void reduce(boolean max, Tensor x, boolean[] reduced, Tensor out, long arg) {
        int r = x.rank(), nk = 0;
        for (boolean b : reduced) if (!b) nk++;
        int[] kd = new int[nk], kx = new int[nk], ky = new int[nk], rd = new int[r - nk], rx = new int[r - nk];
        int[] xd = x.dims(), xs = x.strides(), os = out.strides();
        for (int i = 0, k = 0, j = 0; i < r; i++) {
            if (reduced[i]) { rd[j] = xd[i]; rx[j] = xs[i]; j++; }
            else { kd[k] = xd[i]; kx[k] = xs[i]; ky[k] = os[i]; k++; }
        }
        StridedKernels.reduce(max, kd, kx, ky, rd, rx, addr(x), addr(out), arg);
    }

    // ---- rows ------------------------------------------------------------------------------------------

    /** Row softmax / log-softmax of a dense device tensor over its last dim. */
    public static Tensor softmaxRows(Tensor xc, boolean log) {
        int cols = xc.dim(-1), rows = cols == 0 ? 0 : xc.size() / cols;
        Tensor y = CudaTensors.empty(xc.shape());
        backend().softmaxRows(addr(xc), addr(y), rows, cols, log);
        return y;
    }

    /** Row softmax of a dense device tensor over its last dim, in place. */
    public static void softmaxRowsInPlace(Tensor x) {
        int cols = x.dim(-1), rows = cols == 0 ? 0 : x.size() / cols;
        backend().softmaxRows(addr(x), addr(x), rows, cols, false);
    }

    /**
     * First arg-max along {@code axis} as a tensor of int32 bit patterns (read them with
     * {@code Float.floatToRawIntBits}); the axis is kept with size 1.
     */
    public static Tensor argmax(Tensor x, int axis) {
        Tensor arg = argmaxBuffer(x.shape().with(axis, 1));
        max(x, axis, arg);
        return arg;
    }

    /** A dense device buffer of {@code kept}'s size for int32 arg-max indices (see {@link #max}). */
    public static Tensor argmaxBuffer(Shape kept) { return CudaTensors.empty(kept); }

    /** Gradient of the row softmax given its dense output y and the dense gradient gy. */
    public static Tensor softmaxBackwardRows(Tensor y, Tensor gy, boolean log) {
        int cols = y.dim(-1), rows = cols == 0 ? 0 : y.size() / cols;
        Tensor gx = CudaTensors.empty(y.shape());
        backend().softmaxBackwardRows(addr(y), addr(gy), addr(gx), rows, cols, log);
        return gx;
    }

    /** Layer norm result and its saved row statistics. */
    public record LayerNormed(Tensor y, Tensor mean, Tensor rstd) {}

    public static LayerNormed layerNorm(Tensor xc, Tensor w, Tensor b, float eps) {
        int cols = xc.dim(-1), rows = cols == 0 ? 0 : xc.size() / cols;
        Tensor y = CudaTensors.empty(xc.shape()), mean = CudaTensors.empty(Shape.of(rows)), rstd = CudaTensors.empty(Shape.of(rows));
        backend().layerNormRows(addr(xc), dense(w), dense(b), addr(y), addr(mean), addr(rstd), rows, cols, eps);
        return new LayerNormed(y, mean, rstd);
    }

    /** Layer norm gradients: {gx or null, gw or null, gb or null}. */
    public static Tensor[] layerNormBackward(Tensor xc, Tensor w, LayerNormed saved, Tensor gy, boolean needX, boolean needW,
                                             boolean needB) {
        int cols = xc.dim(-1), rows = cols == 0 ? 0 : xc.size() / cols;
        Tensor gx = needX ? CudaTensors.empty(xc.shape()) : null;
        Tensor gw = needW ? CudaTensors.zeros(Shape.of(cols)) : null, gb = needB ? CudaTensors.zeros(Shape.of(cols)) : null;
        backend().layerNormBackwardRows(addr(xc), dense(w), addr(saved.mean()), addr(saved.rstd()), addr(gy),
                CudaTensors.addressOrNull(gx), CudaTensors.addressOrNull(gw), CudaTensors.addressOrNull(gb), rows, cols);
        return new Tensor[] {gx, gw, gb};
    }

    private static long dense(Tensor t) {
        if (t == null) return 0L;
        return addr(t.isContiguous() ? t : contiguousCopy(t));
    }

    public static Tensor gelu(Tensor xc) {
        Tensor y = CudaTensors.empty(xc.shape());
        backend().gelu(addr(xc), addr(y), xc.size());
        return y;
    }

    public static Tensor geluBackward(Tensor xc, Tensor gy) {
        Tensor gx = CudaTensors.empty(xc.shape());
        backend().geluBackward(addr(xc), addr(gy), addr(gx), xc.size());
        return gx;
    }

    // ---- products --------------------------------------------------------------------------------------

    /**
     * C = alpha·op(A)·op(B) for {@code batch} products; A and B are device tensors addressed from their offsets
     * with the given element strides and leading dimensions. Returns the dense [batch·m, n] result as a flat tensor.
     */
    public static Tensor gemm(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                              Tensor a, int strideA, int lda, Tensor b, int strideB, int ldb, Shape outShape) {
        Tensor c = CudaTensors.empty(outShape);
        backend().gemm(batch, transA, transB, m, n, k, alpha, addr(a), strideA, lda, addr(b), strideB, ldb, 0f, addr(c), m * n, n);
        return c;
    }
}
