package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.backend.cuda.MapOp;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/** Broadcasting add/sub/mul/div, scalar ops and unary maps, each with its backward rule. */
public final class Elementwise {
    private Elementwise() {}

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binaryForward(BinaryOp.ADD, a, b);
        return Autograd.record("add", out, g -> new Tensor[] {g, g}, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binaryForward(BinaryOp.SUB, a, b);
        return Autograd.record("sub", out, g -> new Tensor[] {g, b.requiresGrad() ? mulScalar(g, -1f) : null}, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binaryForward(BinaryOp.MUL, a, b);
        return Autograd.record("mul", out, g -> new Tensor[] {
                a.requiresGrad() ? binaryForward(BinaryOp.MUL, g, b) : null,
                b.requiresGrad() ? binaryForward(BinaryOp.MUL, g, a) : null}, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binaryForward(BinaryOp.DIV, a, b);
        return Autograd.record("div", out, g -> {
            Tensor ga = a.requiresGrad() ? binaryForward(BinaryOp.DIV, g, b) : null;
            Tensor gb = null;
            if (b.requiresGrad()) {  // -g * a / b^2 = -g * out / b
                gb = mulScalar(binaryForward(BinaryOp.DIV, binaryForward(BinaryOp.MUL, g, out), b), -1f);
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    public static Tensor addScalar(Tensor x, float s) {
        Tensor out = unaryForward(UnaryOp.ADD_SCALAR, x, s);
        return Autograd.record("add_scalar", out, g -> new Tensor[] {g}, x);
    }

    public static Tensor mulScalar(Tensor x, float s) {
        Tensor out = unaryForward(UnaryOp.MUL_SCALAR, x, s);
        return Autograd.record("mul_scalar", out, g -> new Tensor[] {unaryForward(UnaryOp.MUL_SCALAR, g, s)}, x);
    }

    public static Tensor exp(Tensor x) {
        Tensor out = unaryForward(UnaryOp.EXP, x, 0f);
        return Autograd.record("exp", out, g -> new Tensor[] {binaryForward(BinaryOp.MUL, g, out)}, x);
    }

    public static Tensor log(Tensor x) {
        Tensor out = unaryForward(UnaryOp.LOG, x, 0f);
        return Autograd.record("log", out, g -> new Tensor[] {binaryForward(BinaryOp.DIV, g, x)}, x);
    }

    public static Tensor sqrt(Tensor x) {
        Tensor out = unaryForward(UnaryOp.SQRT, x, 0f);
        return Autograd.record("sqrt", out, g -> new Tensor[] {
                unaryForward(UnaryOp.MUL_SCALAR, binaryForward(BinaryOp.DIV, g, out), 0.5f)}, x);
    }

    public static Tensor tanh(Tensor x) {
        Tensor out = unaryForward(UnaryOp.TANH, x, 0f);
        return Autograd.record("tanh", out, g -> {  // g * (1 - out^2)
            Tensor oneMinus = unaryForward(UnaryOp.ADD_SCALAR, unaryForward(UnaryOp.MUL_SCALAR, binaryForward(BinaryOp.MUL, out, out), -1f), 1f);
            return new Tensor[] {binaryForward(BinaryOp.MUL, g, oneMinus)};
        }, x);
    }

    public static Tensor pow(Tensor x, float e) {
        Tensor out = unaryForward(UnaryOp.POW, x, e);
        return Autograd.record("pow", out, g -> {  // g * e * x^(e-1)
            Tensor d = unaryForward(UnaryOp.MUL_SCALAR, unaryForward(UnaryOp.POW, x, e - 1f), e);
            return new Tensor[] {binaryForward(BinaryOp.MUL, g, d)};
        }, x);
    }

    public static Tensor relu(Tensor x) {
        Tensor out = unaryForward(UnaryOp.RELU, x, 0f);
        return Autograd.record("relu", out, g -> {
            if (x.device() == Device.CUDA) {
                CudaOps.requireDevice("relu backward", g);
                return new Tensor[] {CudaOps.map(MapOp.RELU_GRAD, 0f, x.shape(), x, g, null)};
            }
            Tensor gc = g.contiguous(), xc = x.contiguous();
            float[] gx = new float[gc.size()], ga = gc.array(), xa = xc.array();
            for (int i = 0; i < gx.length; i++) gx[i] = xa[xc.offset() + i] > 0 ? ga[gc.offset() + i] : 0f;
            return new Tensor[] {Tensor.of(gx, x.shape())};
        }, x);
    }

    // ------------------------------------------------------------ in place, not recorded

    /** dst += alpha * src with src broadcast to dst's shape. dst must be contiguous. */
    public static void addInPlace(Tensor dst, Tensor src, float alpha) {
        if (!dst.isContiguous()) throw new IllegalStateException("in-place add needs a contiguous destination");
        Tensor s = src.shape().equals(dst.shape()) ? src : ShapeOps.expandView(src, dst.shape());
        if (dst.device() == Device.CUDA) {
            CudaOps.requireDevice("in-place add", s);
            CudaOps.axpy(dst, s, alpha);
            return;
        }
        Backend be = Backends.current();
        if (s.isContiguous()) { be.axpy(alpha, s.array(), s.offset(), dst.array(), dst.offset(), dst.size()); return; }
        float[] tmp = s.toArray();
        be.axpy(alpha, tmp, 0, dst.array(), dst.offset(), dst.size());
    }

    /** x *= s for a contiguous tensor. */
    public static void scaleInPlace(Tensor x, float s) {
        if (!x.isContiguous()) throw new IllegalStateException("in-place scale needs a contiguous tensor");
        if (x.device() == Device.CUDA) { CudaOps.scale(x, s); return; }
        Backends.current().unary(UnaryOp.MUL_SCALAR, x.array(), x.offset(), x.array(), x.offset(), x.size(), s);
    }

    // ------------------------------------------------------------ kernels over tensors (no autograd)

    /** Dense result of a unary map. */
    public static Tensor unaryForward(UnaryOp op, Tensor x, float param) {
        if (x.device() == Device.CUDA) return CudaOps.unary(op, x, param);
        Tensor xc = x.contiguous();
        float[] y = new float[xc.size()];
        Backends.current().unary(op, xc.array(), xc.offset(), y, 0, y.length, param);
        return Tensor.of(y, x.shape());
    }

    /** Dense result of a broadcasting binary op. */
    public static Tensor binaryForward(BinaryOp op, Tensor a, Tensor b) {
        Shape outShape = Shape.broadcast(a.shape(), b.shape());
        if (a.device() == Device.CUDA || b.device() == Device.CUDA) {
            CudaOps.requireDevice(op.name().toLowerCase(), a, b);
            return CudaOps.binary(op, ShapeOps.expandView(a, outShape), ShapeOps.expandView(b, outShape), outShape);
        }
        Backend be = Backends.current();
        float[] y = new float[outShape.size()];
        if (a.shape().equals(outShape) && b.shape().equals(outShape) && a.isContiguous() && b.isContiguous()) {
            be.binary(op, a.array(), a.offset(), b.array(), b.offset(), y, 0, y.length);
            return Tensor.of(y, outShape);
        }
        int[] od = outShape.dims();
        Tensor ae = a.shape().equals(outShape) ? a : ShapeOps.expandView(a, outShape);
        Tensor bexp = b.shape().equals(outShape) ? b : ShapeOps.expandView(b, outShape);
        int r = od.length;
        int inner = r == 0 ? 1 : od[r - 1];
        if (inner == 0 || y.length == 0) return Tensor.of(y, outShape);
        int rows = y.length / inner;
        int[] as = ae.strides(), bs = bexp.strides();
        int asi = r == 0 ? 0 : as[r - 1], bsi = r == 0 ? 0 : bs[r - 1];
        float[] aa = ae.array(), ba = bexp.array();
        float[] rowA = asi == 1 ? null : new float[inner], rowB = bsi == 1 ? null : new float[inner];
        int[] idx = new int[Math.max(0, r - 1)];
        for (int row = 0; row < rows; row++) {
            int pa = ae.offset(), pb = bexp.offset();
            for (int i = 0; i < r - 1; i++) { pa += idx[i] * as[i]; pb += idx[i] * bs[i]; }
            float[] srcA = aa, srcB = ba;
            int oa = pa, ob = pb;
            if (rowA != null) { for (int j = 0; j < inner; j++) rowA[j] = aa[pa + j * asi]; srcA = rowA; oa = 0; }
            if (rowB != null) { for (int j = 0; j < inner; j++) rowB[j] = ba[pb + j * bsi]; srcB = rowB; ob = 0; }
            be.binary(op, srcA, oa, srcB, ob, y, row * inner, inner);
            for (int i = r - 2; i >= 0; i--) { if (++idx[i] < od[i]) break; idx[i] = 0; }
        }
        return Tensor.of(y, outShape);
    }
}
