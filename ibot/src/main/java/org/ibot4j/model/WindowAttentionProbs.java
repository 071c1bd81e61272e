package org.ibot4j.model;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.ops.MatMul;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The probabilities of window attention in one step: {@code softmax(scale·q·kᵀ + bias[h] + mask[window])} over
 * {@code q, k [B_, heads, n, dh]}, {@code bias [heads, n, n]} and an optional constant {@code mask [nW, n, n]}
 * (window {@code b} of the batch uses {@code mask[b mod nW]}). One batched GEMM with the scale as its alpha,
 * one pass adding bias and mask, one row softmax; the logits are never kept. Backward: the softmax gradient
 * {@code gl}, then {@code ∂q = scale·gl·k}, {@code ∂k = scale·glᵀ·q} (batched GEMMs) and {@code ∂bias = Σ_b gl}.
 * Same numbers as the composed ops (held to PyTorch by the Swin fixtures), without their strided passes.
 */
public final class WindowAttentionProbs {
    private WindowAttentionProbs() {}

    /** {@code [B_, heads, n, n]} probabilities; {@code mask} may be null. */
    public static Tensor compute(Tensor q, Tensor k, float scale, Tensor bias, Tensor mask) {
        if (q.rank() != 4 || !q.shape().equals(k.shape()))
            throw new IllegalArgumentException("window attention needs q, k [windows, heads, n, dh] of one shape, got " + q.shape() + ", " + k.shape());
        int b = q.dim(0), h = q.dim(1), n = q.dim(2), d = q.dim(3), nn = n * n;
        if (bias.rank() != 3 || bias.dim(0) != h || bias.dim(1) != n || bias.dim(2) != n)
            throw new IllegalArgumentException("relative bias must be [" + h + ", " + n + ", " + n + "], got " + bias.shape());
        int nw = mask == null ? 1 : mask.dim(0);
        if (mask != null && (mask.rank() != 3 || mask.dim(1) != n || mask.dim(2) != n || b % nw != 0))
            throw new IllegalArgumentException("shift mask must be [nW, " + n + ", " + n + "] with nW dividing " + b + ", got " + mask.shape());
        if (q.device() != Device.CPU) {  // composed of recorded ops on the device: GEMM, bias, mask, row softmax
            Tensor logits = MatMul.matmul(q, k, false, true).mul(scale).add(bias.unsqueeze(0));
            if (mask != null)
                logits = logits.reshape(b / nw, nw, h, n, n).add(mask.to(q.device()).reshape(1, nw, 1, n, n)).reshape(b, h, n, n);
            return logits.softmax(-1);
        }
        Tensor qc = q.contiguous(), kc = k.contiguous();
        float[] bv = bias.contiguous().toArray(), mv = mask == null ? null : mask.contiguous().toArray();
        float[] logits = new float[b * h * nn];
        Backend be = Backends.current();
        if (d > 0 && b * h > 0)
            be.sgemmBatched(b * h, false, true, n, n, d, scale, qc.array(), qc.offset(), n * d, d,
                    kc.array(), kc.offset(), n * d, d, 0f, logits, 0, nn, n);
        for (int w = 0; w < b; w++) {
            int mo = (w % nw) * nn;
            for (int hd = 0; hd < h; hd++) {
                int lo = (w * h + hd) * nn, bo = hd * nn;
                if (mv == null) for (int i = 0; i < nn; i++) logits[lo + i] += bv[bo + i];
                else for (int i = 0; i < nn; i++) logits[lo + i] += bv[bo + i] + mv[mo + i];
            }
        }
        float[] p = new float[logits.length];
        be.softmaxRows(logits, 0, p, 0, b * h * n, n, false);
        Tensor out = Tensor.of(p, b, h, n, n);
        boolean biasGrad = bias.requiresGrad();
        return Autograd.record("window_attention_probs", out, g -> {
            Tensor gc = g.contiguous();
            Backend bk = Backends.current();
            float[] gl = new float[p.length];
            bk.softmaxBackwardRows(p, 0, gc.array(), gc.offset(), gl, 0, b * h * n, n, false);
            Tensor gq = null, gk = null, gb = null;
            if (qc.requiresGrad()) {
                float[] a = new float[b * h * n * d];
                bk.sgemmBatched(b * h, false, false, n, d, n, scale, gl, 0, nn, n, kc.array(), kc.offset(), n * d, d, 0f, a, 0, n * d, d);
                gq = Tensor.of(a, b, h, n, d);
            }
            if (kc.requiresGrad()) {
                float[] a = new float[b * h * n * d];
                bk.sgemmBatched(b * h, true, false, n, d, n, scale, gl, 0, nn, n, qc.array(), qc.offset(), n * d, d, 0f, a, 0, n * d, d);
                gk = Tensor.of(a, b, h, n, d);
            }
            if (biasGrad) {
                float[] s = new float[h * nn];
                for (int w = 0; w < b; w++)
                    for (int hd = 0; hd < h; hd++) {
                        int lo = (w * h + hd) * nn, bo = hd * nn;
                        for (int i = 0; i < nn; i++) s[bo + i] += gl[lo + i];
                    }
                gb = Tensor.of(s, h, n, n);
            }
            return new Tensor[] {gq, gk, gb};
        }, qc, kc, bias);
    }
}
