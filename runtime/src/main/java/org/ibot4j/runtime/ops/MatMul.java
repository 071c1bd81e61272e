package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Matrix products on the backend SGEMM: 2-D, batched 3-D, and {@code torch.matmul}-style broadcasting over
 * leading dims; either operand may be transposed. Transposed or batch-strided views are passed to the GEMM
 * as (ld, trans) without copying.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * op(a) · op(b) where op transposes the last two dims when its flag is set. Leading (batch) dims broadcast.
     * A 2-D right operand with an untransposed left operand folds all of a's leading dims into one GEMM.
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        if (a.rank() < 2 || b.rank() < 2)
            throw new IllegalArgumentException("matmul needs rank >= 2 operands, got " + a.shape() + " and " + b.shape());
        int ka = transA ? a.dim(-2) : a.dim(-1);
        int kb = transB ? b.dim(-1) : b.dim(-2);
        if (ka != kb)
            throw new IllegalArgumentException("matmul inner dims differ: " + a.shape() + (transA ? "ᵀ" : "") + " · " + b.shape() + (transB ? "ᵀ" : ""));
        if (a.rank() == 2 && b.rank() == 2) return mm(a, b, transA, transB);
        if (b.rank() == 2 && !transA) {
            int[] ad = a.dims();
            Tensor a2 = a.reshape(-1, ad[ad.length - 1]);
            Tensor c = mm(a2, b, false, transB);
            ad[ad.length - 1] = c.dim(1);
            return c.reshape(ad);
        }
        // broadcast leading dims, fold them into one batch dim
        Shape ab = batchShape(a), bb = batchShape(b);
        Shape batch = Shape.broadcast(ab, bb);
        Tensor a3 = toBatch3(a, batch), b3 = toBatch3(b, batch);
        Tensor c = mm(a3, b3, transA, transB);
        int[] out = new int[batch.rank() + 2];
        for (int i = 0; i < batch.rank(); i++) out[i] = batch.dim(i);
        out[batch.rank()] = c.dim(1);
        out[batch.rank() + 1] = c.dim(2);
        return c.reshape(out);
    }

    private static Shape batchShape(Tensor t) {
        int[] d = t.dims();
        int[] b = new int[d.length - 2];
        System.arraycopy(d, 0, b, 0, b.length);
        return Shape.of(b);
    }

    private static Tensor toBatch3(Tensor t, Shape batch) {
        int r = t.rank();
        int[] full = new int[batch.rank() + 2];
        for (int i = 0; i < batch.rank(); i++) full[i] = batch.dim(i);
        full[batch.rank()] = t.dim(r - 2);
        full[batch.rank() + 1] = t.dim(r - 1);
        Tensor e = t.rank() == full.length && t.shape().equals(Shape.of(full)) ? t : t.expand(full);
        if (e.rank() == 3) return e;
        return e.reshape(-1, t.dim(r - 2), t.dim(r - 1));
    }

    /** Operand layout as the GEMM sees it: ld and whether its stored form is transposed. */
    private record Operand(Tensor t, int ld, boolean flipped, int batchStride) {}

    /** Finds a layout of the last two dims with one unit stride; copies only when there is none. */
    private static Operand layout(Tensor t) {
        int r = t.rank();
        int s0 = t.stride(r - 2), s1 = t.stride(r - 1), rows = t.dim(r - 2), cols = t.dim(r - 1);
        int bs = r == 3 ? t.stride(0) : 0;
        if ((s1 == 1 || cols == 1) && s0 >= Math.max(1, cols)) return new Operand(t, Math.max(s0, Math.max(1, cols)), false, bs);
        if ((s0 == 1 || rows == 1) && s1 >= Math.max(1, rows)) return new Operand(t, Math.max(s1, Math.max(1, rows)), true, bs);
        Tensor c = t.contiguousCopy();
        return new Operand(c, Math.max(1, cols), false, r == 3 ? rows * cols : 0);
    }

    /** Core product for equal-rank (2 or 3) operands with equal batch size. */
    static Tensor mm(Tensor a, Tensor b, boolean transA, boolean transB) {
        int r = a.rank();
        if (b.rank() != r || (r == 3 && a.dim(0) != b.dim(0)))
            throw new IllegalArgumentException("mm operands " + a.shape() + ", " + b.shape());
        int m = transA ? a.dim(-1) : a.dim(-2);
        int k = transA ? a.dim(-2) : a.dim(-1);
        int n = transB ? b.dim(-2) : b.dim(-1);
        int batch = r == 3 ? a.dim(0) : 1;
        Operand oa = layout(a), ob = layout(b);
        if (a.device() == Device.CUDA || b.device() == Device.CUDA) {
            CudaOps.requireDevice("matmul", a, b);
            Shape os = r == 3 ? Shape.of(batch, m, n) : Shape.of(m, n);
            Tensor out = CudaOps.gemm(batch, transA ^ oa.flipped(), transB ^ ob.flipped(), m, n, k, 1f, oa.t(), oa.batchStride(),
                    oa.ld(), ob.t(), ob.batchStride(), ob.ld(), os);
            return Autograd.record("matmul", out, g -> gradients(a, b, g, transA, transB), a, b);
        }
        float[] c = new float[batch * m * n];
        if (m > 0 && n > 0) {
            if (k == 0) { /* zeros */ } else if (batch == 1)
                Backends.current().sgemm(transA ^ oa.flipped(), transB ^ ob.flipped(), m, n, k, 1f,
                        oa.t().array(), oa.t().offset(), oa.ld(), ob.t().array(), ob.t().offset(), ob.ld(), 0f, c, 0, n);
            else
                Backends.current().sgemmBatched(batch, transA ^ oa.flipped(), transB ^ ob.flipped(), m, n, k, 1f,
                        oa.t().array(), oa.t().offset(), oa.batchStride(), oa.ld(),
                        ob.t().array(), ob.t().offset(), ob.batchStride(), ob.ld(), 0f, c, 0, m * n, n);
        }
        Tensor out = r == 3 ? Tensor.of(c, batch, m, n) : Tensor.of(c, m, n);
        return Autograd.record("matmul", out, g -> gradients(a, b, g, transA, transB), a, b);
    }

    private static Tensor[] gradients(Tensor a, Tensor b, Tensor g, boolean transA, boolean transB) {
        Tensor ga = null, gb = null;
        if (a.requiresGrad()) ga = transA ? mm(b, g, transB, true) : mm(g, b, false, !transB);
        if (b.requiresGrad()) gb = transB ? mm(g, a, true, transA) : mm(a, g, !transA, false);
        return new Tensor[] {ga, gb};
    }
}
