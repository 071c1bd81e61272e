package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Soft-target cross-entropy {@code Σ_dim -targets · log_softmax(logits)}, fused: the log-softmax rows are
 * computed once by the backend and reused by the backward, which gives
 * {@code dlogits = g·(softmax(logits)·Σtargets − targets)} and {@code dtargets = −g·log_softmax(logits)}.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /** sum over dim of -targets * log_softmax(logits); the dim is removed. Shapes must be equal. */
    public static Tensor softTargetCrossEntropy(Tensor logits, Tensor targets, int dim) {
        if (!logits.shape().equals(targets.shape()))
            throw new IllegalArgumentException("softTargetCrossEntropy logits " + logits.shape() + " and targets " + targets.shape() + " differ in shape");
        int a = logits.shape().axis(dim), r = logits.rank();
        if (a != r - 1) {  // move the class dim last, keeping the others in order
            int[] order = new int[r];
            for (int i = 0, j = 0; i < r; i++) if (i != a) order[j++] = i;
            order[r - 1] = a;
            return softTargetCrossEntropy(logits.permute(order), targets.permute(order), -1);
        }
        if (logits.device() == Device.CUDA || targets.device() == Device.CUDA)  // composed of recorded ops
            return targets.mul(Softmax.logSoftmax(logits, -1)).sum(-1, false).neg();
        Tensor lc = logits.contiguous(), tc = targets.contiguous();
        int cols = lc.dim(-1), rows = cols == 0 ? 0 : lc.size() / cols;
        float[] ls = new float[lc.size()];
        Backends.current().softmaxRows(lc.array(), lc.offset(), ls, 0, rows, cols, true);
        float[] ta = tc.array();
        int to = tc.offset();
        float[] loss = new float[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) s -= (double) ta[to + i * cols + j] * ls[i * cols + j];
            loss[i] = (float) s;
        }
        int[] outDims = new int[r - 1];
        for (int i = 0; i < r - 1; i++) outDims[i] = lc.dim(i);
        Tensor out = Tensor.of(loss, outDims);
        return Autograd.record("soft_target_cross_entropy", out, g -> {
            float[] gv = g.contiguous().toArray();
            float[] gl = lc.requiresGrad() ? new float[ls.length] : null;
            float[] gt = tc.requiresGrad() ? new float[ls.length] : null;
            for (int i = 0; i < rows; i++) {
                int base = i * cols;
                double gi = gv[i];
                if (gl != null) {
                    double tsum = 0;
                    for (int j = 0; j < cols; j++) tsum += ta[to + base + j];
                    for (int j = 0; j < cols; j++)
                        gl[base + j] = (float) (gi * (Math.exp(ls[base + j]) * tsum - ta[to + base + j]));
                }
                if (gt != null) for (int j = 0; j < cols; j++) gt[base + j] = (float) (-gi * ls[base + j]);
            }
            return new Tensor[] {gl == null ? null : Tensor.of(gl, lc.shape()), gt == null ? null : Tensor.of(gt, tc.shape())};
        }, lc, tc);
    }
}
