package org.ibot4j.runtime.ops;

import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Bicubic 2-D resampling as PyTorch's {@code upsample_bicubic2d} with align_corners=False, A = -0.75, in
 * scale-factor mode: output size floor(in·scale), source coordinate {@code (dst + 0.5)/scale − 0.5} (unclamped,
 * computed in float like PyTorch's CPU kernel), taps i0−1..i0+2 clamped to the border, weights
 * W(t+1), W(t), W(1−t), W(2−t). Separable: 4×4 taps per output pixel. Backward scatters with the same weights.
 */
public final class Interpolate {
    /** The cubic convolution coefficient PyTorch uses. */
    public static final float A = -0.75f;

    private Interpolate() {}

    /** x [N,C,H,W] → [N,C,floor(H*scaleH),floor(W*scaleW)], source coordinate (dst+0.5)/scale-0.5. */
    public static Tensor bicubic(Tensor x, double scaleH, double scaleW) {
        if (x.rank() != 4) throw new IllegalArgumentException("bicubic input must be [N,C,H,W], got " + x.shape());
        if (!(scaleH > 0) || !(scaleW > 0)) throw new IllegalArgumentException("bicubic scales must be positive, got " + scaleH + ", " + scaleW);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int oh = (int) Math.floor(h * scaleH), ow = (int) Math.floor(w * scaleW);
        if (oh < 1 || ow < 1) throw new IllegalArgumentException("bicubic output " + oh + "x" + ow + " is empty for input " + x.shape());
        if (x.device() == Device.CUDA) return onDevice(x, scaleH, scaleW, n, c, h, w, oh, ow);
        Taps ty = Taps.of(h, oh, scaleH), tx = Taps.of(w, ow, scaleW);
        Tensor xc = x.contiguous();
        float[] src = xc.array(), y = new float[n * c * oh * ow];
        int so = xc.offset(), planes = n * c;
        for (int pl = 0; pl < planes; pl++) {
            int ib = so + pl * h * w, ob = pl * oh * ow;
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    float acc = 0f;
                    for (int a = 0; a < 4; a++) {
                        int row = ib + ty.index[oy * 4 + a] * w;
                        float r = 0f;
                        for (int b = 0; b < 4; b++) r += src[row + tx.index[ox * 4 + b]] * tx.weight[ox * 4 + b];
                        acc += r * ty.weight[oy * 4 + a];
                    }
                    y[ob + oy * ow + ox] = acc;
                }
        }
        Tensor out = Tensor.of(y, n, c, oh, ow);
        return Autograd.record("upsample_bicubic2d", out, g -> {
            Tensor gc = g.contiguous();
            float[] ga = gc.array(), gx = new float[n * c * h * w];
            int go = gc.offset();
            for (int pl = 0; pl < planes; pl++) {
                int ib = pl * h * w, ob = go + pl * oh * ow;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        float gv = ga[ob + oy * ow + ox];
                        for (int a = 0; a < 4; a++) {
                            int row = ib + ty.index[oy * 4 + a] * w;
                            float ga2 = gv * ty.weight[oy * 4 + a];
                            for (int b = 0; b < 4; b++) gx[row + tx.index[ox * 4 + b]] += ga2 * tx.weight[ox * 4 + b];
                        }
                    }
            }
            return new Tensor[] {Tensor.of(gx, x.shape())};
        }, xc);
    }

    /** Per output position along one axis: 4 clamped source indices and their cubic weights. */
    record Taps(int[] index, float[] weight) {
        static Taps of(int in, int out, double scale) {
            float inv = (float) (1.0 / scale);
            int[] idx = new int[out * 4];
            float[] wt = new float[out * 4];
            for (int d = 0; d < out; d++) {
                float src = inv * (d + 0.5f) - 0.5f;
                int i0 = (int) Math.floor(src);
                float t = src - i0;
                for (int k = 0; k < 4; k++) idx[d * 4 + k] = Math.clamp(i0 - 1 + k, 0, in - 1);
                wt[d * 4] = cubicFar(t + 1f);
                wt[d * 4 + 1] = cubicNear(t);
                wt[d * 4 + 2] = cubicNear(1f - t);
                wt[d * 4 + 3] = cubicFar((1f - t) + 1f);  // PyTorch forms 2-t as (1-t)+1
            }
            return new Taps(idx, wt);
        }
    }

    /** W(x) for |x| ≤ 1. */
    static float cubicNear(float x) { return ((A + 2f) * x - (A + 3f)) * x * x + 1f; }

    /** W(x) for 1 < |x| < 2. */
    static float cubicFar(float x) { return ((A * x - 5f * A) * x + 8f * A) * x - 4f * A; }

    private static final java.util.Map<String, Tensor> DEVICE_MATRICES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The device form: resampling is linear, so it is one GEMM, planes [N·C, H·W] · R [H·W, oh·ow], with R this
     * op's own CPU result on the H·W unit images (made once per size and scale, kept on the device). The
     * backward is the GEMM's.
     */
    private static Tensor onDevice(Tensor x, double scaleH, double scaleW, int n, int c, int h, int w, int oh, int ow) {
        String key = h + "x" + w + "@" + Double.doubleToLongBits(scaleH) + "," + Double.doubleToLongBits(scaleW);
        Tensor r = DEVICE_MATRICES.computeIfAbsent(key, k -> {
            float[] eye = new float[h * w * h * w];
            for (int i = 0; i < h * w; i++) eye[i * h * w + i] = 1f;
            Tensor resp;
            try (var ng = org.ibot4j.runtime.autograd.GradMode.noGrad()) {
                resp = bicubic(Tensor.of(eye, h * w, 1, h, w), scaleH, scaleW);
            }
            return resp.reshape(h * w, oh * ow).to(Device.CUDA);
        });
        return MatMul.matmul(x.reshape(n * c, h * w), r, false, false).reshape(n, c, oh, ow);
    }
}
