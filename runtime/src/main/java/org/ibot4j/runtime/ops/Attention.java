package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Scaled dot-product attention that also returns its probabilities. The probabilities come from one fused
 * step (a batched GEMM {@code q·kᵀ} with the scale as its alpha, then an in-place row softmax; the logits are
 * never kept), whose backward folds the scale into the GEMM alphas; the output is {@code probs·v} through
 * {@link MatMul}. So {@code probs} is an ordinary graph tensor: gradients through it (and through the output)
 * are exact, and only the probabilities are saved.
 */
public final class Attention {
    private Attention() {}

    /** Output and the attention probabilities (readable, e.g. for attention maps). */
    public record Result(Tensor output, Tensor probs) {}

    /** softmax(q·kᵀ·scale)·v over q [..., T, d], k [..., S, d], v [..., S, dv]; probs [..., T, S]. */
    public static Result scaledDotProduct(Tensor q, Tensor k, Tensor v, float scale) {
        if (q.rank() < 2 || k.rank() != q.rank() || v.rank() != q.rank())
            throw new IllegalArgumentException("attention needs q, k, v of equal rank >= 2, got " + q.shape() + ", " + k.shape() + ", " + v.shape());
        int r = q.rank();
        for (int i = 0; i < r - 2; i++)
            if (k.dim(i) != q.dim(i) || v.dim(i) != q.dim(i))
                throw new IllegalArgumentException("attention batch dims differ: q " + q.shape() + ", k " + k.shape() + ", v " + v.shape());
        if (k.dim(-1) != q.dim(-1)) throw new IllegalArgumentException("attention q " + q.shape() + " and k " + k.shape() + " differ in feature size");
        if (v.dim(-2) != k.dim(-2)) throw new IllegalArgumentException("attention k " + k.shape() + " and v " + v.shape() + " differ in length");
        int t = q.dim(-2), s = k.dim(-2), d = q.dim(-1);
        Tensor probs = probabilities(q.reshape(-1, t, d), k.reshape(-1, s, d), scale);
        int[] pd = q.dims();
        pd[r - 1] = s;
        Tensor p = probs.reshape(pd);
        return new Result(MatMul.matmul(p, v, false, false), p);
    }

    /**
     * The device form of {@link #probabilities}: the logits GEMM writes into a buffer the softmax then overwrites in
     * place, so one [B,T,S] buffer is alive per attention (the probabilities); the backward reuses the softmax
     * gradient buffer likewise.
     */
    private static Tensor probabilitiesOnDevice(Tensor qc, Tensor kc, float scale, int b, int t, int d, int s) {
        CudaOps.requireDevice("attention", kc);
        Tensor p = CudaOps.gemm(b, false, true, t, s, d, scale, qc, t * d, d, kc, s * d, d, Shape.of(b, t, s));
        CudaOps.softmaxRowsInPlace(p);
        return Autograd.record("attention_probs", p, g -> {
            Tensor gl = CudaOps.softmaxBackwardRows(p, g.contiguous(), false);
            Tensor gq = qc.requiresGrad() ? CudaOps.gemm(b, false, false, t, d, s, scale, gl, t * s, s, kc, s * d, d, qc.shape()) : null;
            Tensor gk = kc.requiresGrad() ? CudaOps.gemm(b, true, false, s, d, t, scale, gl, t * s, s, qc, t * d, d, kc.shape()) : null;
            return new Tensor[] {gq, gk};
        }, qc, kc);
    }

    /** softmax(q·kᵀ·scale) for dense-or-not [B,T,d], [B,S,d]: one batched GEMM, one row softmax. */
    private static Tensor probabilities(Tensor q3, Tensor k3, float scale) {
        Tensor qc = q3.contiguous(), kc = k3.contiguous();
        int b = qc.dim(0), t = qc.dim(1), d = qc.dim(2), s = kc.dim(1);
        if (qc.device() == Device.CUDA) return probabilitiesOnDevice(qc, kc, scale, b, t, d, s);
        float[] logits = new float[b * t * s];
        Backend be = Backends.current();
        if (d > 0 && t > 0 && s > 0)
            be.sgemmBatched(b, false, true, t, s, d, scale, qc.array(), qc.offset(), t * d, d,
                    kc.array(), kc.offset(), s * d, d, 0f, logits, 0, t * s, s);
        float[] p = new float[logits.length];
        be.softmaxRows(logits, 0, p, 0, b * t, s, false);
        Tensor out = Tensor.of(p, b, t, s);
        return Autograd.record("attention_probs", out, g -> {
            Tensor gc = g.contiguous();
            Backend bk = Backends.current();
            float[] gl = new float[p.length];  // d(loss)/d(q·kᵀ·scale)
            bk.softmaxBackwardRows(p, 0, gc.array(), gc.offset(), gl, 0, b * t, s, false);
            Tensor gq = null, gk = null;
            if (qc.requiresGrad()) {  // scale · gl [T,S] · k [S,d]
                float[] a = new float[b * t * d];
                bk.sgemmBatched(b, false, false, t, d, s, scale, gl, 0, t * s, s, kc.array(), kc.offset(), s * d, d, 0f, a, 0, t * d, d);
                gq = Tensor.of(a, qc.shape());
            }
            if (kc.requiresGrad()) {  // scale · glᵀ [S,T] · q [T,d]
                float[] a = new float[b * s * d];
                bk.sgemmBatched(b, true, false, s, d, t, scale, gl, 0, t * s, s, qc.array(), qc.offset(), t * d, d, 0f, a, 0, s * d, d);
                gk = Tensor.of(a, kc.shape());
            }
            return new Tensor[] {gq, gk};
        }, qc, kc);
    }
}
