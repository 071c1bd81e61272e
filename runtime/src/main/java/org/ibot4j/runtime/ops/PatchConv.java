package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The patch-embedding convolution (kernel = stride = p, no padding, like {@code nn.Conv2d(C, D, p, stride=p)}):
 * the input is unfolded once into patch rows {@code cols [N·gh·gw, C·p·p]} (channel-major, then ky, kx: the
 * order of {@code weight.reshape(D, C·p·p)}), and one batched GEMM {@code W · colsₙᵀ} writes each image's
 * output directly in [D, gh·gw] layout, so no transpose copy is needed in either direction.
 */
public final class PatchConv {
    private PatchConv() {}

    /** x [N,C,H,W], weight [D,C,p,p], bias [D] or null → [N,D,H/p,W/p] (trailing pixels dropped like PyTorch). */
    public static Tensor conv2dPatch(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() != 4) throw new IllegalArgumentException("conv2dPatch input must be [N,C,H,W], got " + x.shape());
        if (weight.rank() != 4 || weight.dim(2) != weight.dim(3) || weight.dim(1) != x.dim(1))
            throw new IllegalArgumentException("conv2dPatch weight must be [D," + x.dim(1) + ",p,p], got " + weight.shape());
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3), d = weight.dim(0), p = weight.dim(2);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != d))
            throw new IllegalArgumentException("conv2dPatch bias must have shape [" + d + "], got " + bias.shape());
        int gh = h / p, gw = w / p, l = gh * gw, kk = c * p * p;
        if (gh == 0 || gw == 0)
            throw new IllegalArgumentException("conv2dPatch input " + x.shape() + " is smaller than the " + p + "x" + p + " kernel");
        if (x.device() == Device.CUDA) return onDevice(x, weight, bias, n, c, d, p, gh, gw);
        Tensor xc = x.contiguous(), wc = weight.contiguous();
        float[] cols = unfold(xc, n, c, h, w, p, gh, gw);
        float[] y = new float[n * d * l];
        if (bias != null) {
            float[] b = bias.toArray();
            for (int i = 0; i < n; i++)
                for (int o = 0; o < d; o++) java.util.Arrays.fill(y, (i * d + o) * l, (i * d + o + 1) * l, b[o]);
        }
        Backend be = Backends.current();
        // yₙ [D, L] = W [D, K] · colsₙᵀ, colsₙ = [L, K] rows of image n
        be.sgemmBatched(n, false, true, d, l, kk, 1f, wc.array(), wc.offset(), 0, kk, cols, 0, l * kk, kk,
                bias == null ? 0f : 1f, y, 0, d * l, l);
        Tensor out = Tensor.of(y, n, d, gh, gw);
        return Autograd.record("conv2d_patch", out, g -> {
            Tensor gc = g.contiguous();
            float[] ga = gc.array();
            int go = gc.offset();
            Backend bk = Backends.current();
            Tensor gx = null, gWt = null, gb = null;
            if (xc.requiresGrad()) {  // colsₙ grad [L, K] = gₙᵀ [L, D] · W [D, K], then fold back
                float[] gcols = new float[n * l * kk];
                bk.sgemmBatched(n, true, false, l, kk, d, 1f, ga, go, d * l, l, wc.array(), wc.offset(), 0, kk,
                        0f, gcols, 0, l * kk, kk);
                gx = Tensor.of(fold(gcols, n, c, h, w, p, gh, gw), x.shape());
            }
            if (wc.requiresGrad()) {  // W grad [D, K] = Σₙ gₙ [D, L] · colsₙ [L, K]
                float[] gw2 = new float[d * kk];
                for (int i = 0; i < n; i++)
                    bk.sgemm(false, false, d, kk, l, 1f, ga, go + i * d * l, l, cols, i * l * kk, kk, 1f, gw2, 0, kk);
                gWt = Tensor.of(gw2, weight.shape());
            }
            if (bias != null && bias.requiresGrad()) {
                double[] acc = new double[d];
                for (int i = 0; i < n; i++)
                    for (int o = 0; o < d; o++) {
                        int base = go + (i * d + o) * l;
                        double s = 0;
                        for (int j = 0; j < l; j++) s += ga[base + j];
                        acc[o] += s;
                    }
                float[] gbv = new float[d];
                for (int o = 0; o < d; o++) gbv[o] = (float) acc[o];
                gb = Tensor.of(gbv, d);
            }
            return new Tensor[] {gx, gWt, gb};
        }, xc, wc, bias);
    }

    /**
     * The device form, composed of recorded ops (so its backward is theirs): the unfold is a strided view
     * [N, gh, gw, C, p, p] of the image copied dense (stride = kernel, so the fold in backward has no overlaps), one
     * GEMM against the [D, C·p·p] weight, the bias, and a [N, D, gh, gw] view of the [N·L, D] product.
     */
    private static Tensor onDevice(Tensor x, Tensor weight, Tensor bias, int n, int c, int d, int p, int gh, int gw) {
        Tensor img = x.slice(2, 0, gh * p).slice(3, 0, gw * p);
        Shape patchShape = Shape.of(n, gh, gw, c, p, p);
        Tensor patches = Tensor.view(img.storage(), img.offset(), patchShape, patchStrides(img.strides(), p));
        Tensor unfolded = Autograd.record("unfold_patches", patches, g -> {
            Tensor gx = Tensor.zeros(img.shape(), g.device());
            ShapeOps.copyInto(g, Tensor.view(gx.storage(), gx.offset(), patchShape, patchStrides(gx.strides(), p)));
            return new Tensor[] {gx};
        }, img);
        Tensor cols = unfolded.reshape(n * gh * gw, c * p * p);
        Tensor y = Linear.linear(cols, weight.reshape(d, c * p * p), bias);
        return y.reshape(n, gh, gw, d).permute(0, 3, 1, 2);
    }

    /** Strides of the [N, gh, gw, C, p, p] patch view of an [N, C, H, W] image with strides {@code st}. */
    private static int[] patchStrides(int[] st, int p) {
        return new int[] {st[0], st[2] * p, st[3] * p, st[1], st[2], st[3]};
    }

    /** cols[(n·gh + i)·gw + j][(ch·p + ky)·p + kx] = x[n, ch, i·p + ky, j·p + kx]. */
    static float[] unfold(Tensor xc, int n, int c, int h, int w, int p, int gh, int gw) {
        float[] src = xc.array();
        int base = xc.offset(), kk = c * p * p;
        float[] cols = new float[n * gh * gw * kk];
        for (int img = 0; img < n; img++)
            for (int i = 0; i < gh; i++)
                for (int j = 0; j < gw; j++) {
                    int row = ((img * gh + i) * gw + j) * kk;
                    for (int ch = 0; ch < c; ch++)
                        for (int ky = 0; ky < p; ky++)
                            System.arraycopy(src, base + ((img * c + ch) * h + i * p + ky) * w + j * p,
                                    cols, row + (ch * p + ky) * p, p);
                }
        return cols;
    }

    /** The adjoint of {@link #unfold}: patch-row gradients back to [N,C,H,W] (dropped border pixels get zero). */
    static float[] fold(float[] gcols, int n, int c, int h, int w, int p, int gh, int gw) {
        int kk = c * p * p;
        float[] gx = new float[n * c * h * w];
        for (int img = 0; img < n; img++)
            for (int i = 0; i < gh; i++)
                for (int j = 0; j < gw; j++) {
                    int row = ((img * gh + i) * gw + j) * kk;
                    for (int ch = 0; ch < c; ch++)
                        for (int ky = 0; ky < p; ky++)
                            System.arraycopy(gcols, row + (ch * p + ky) * p,
                                    gx, ((img * c + ch) * h + i * p + ky) * w + j * p, p);
                }
        return gx;
    }
}
