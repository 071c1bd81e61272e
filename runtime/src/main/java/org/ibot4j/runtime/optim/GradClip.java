package org.ibot4j.runtime.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.backend.cuda.CudaBackend;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.backend.cuda.CudaTensors;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Gradient clipping. Norms are accumulated in double and rounded to float; coefficients are computed in
 * float the way PyTorch evaluates {@code clip / (norm + 1e-6)} on a float tensor ({@code (1/(n+1e-6))·clip}).
 */
public final class GradClip {
    private static final float EPS = 1e-6f;

    private GradClip() {}

    /**
     * DINO/iBOT {@code clip_gradients} (spec 7.4 step 6): for EACH parameter with a gradient separately,
     * {@code n = ‖g‖₂}, {@code c = maxNorm/(n+1e-6)}, and if {@code c < 1} the gradient is multiplied by c.
     * Returns the norms before clipping, in order, for the parameters that have a gradient.
     */
    public static float[] perParameter(List<Tensor> params, double maxNorm) {
        checkMax(maxNorm);
        List<Float> norms = new ArrayList<>();
        for (Tensor p : params) {
            Float n = clipOne(p, (float) maxNorm);
            if (n != null) norms.add(n);
        }
        float[] out = new float[norms.size()];
        for (int i = 0; i < out.length; i++) out[i] = norms.get(i);
        return out;
    }

    /** {@link #perParameter(List, double)} over named parameters: name → norm before clipping (grad-less ones omitted). */
    public static LinkedHashMap<String, Float> perParameter(Map<String, Tensor> params, double maxNorm) {
        checkMax(maxNorm);
        if (params.values().stream().anyMatch(p -> p.device() == Device.CUDA)) return perParameterOnDevice(params, (float) maxNorm);
        LinkedHashMap<String, Float> norms = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            Float n = clipOne(p, (float) maxNorm);
            if (n != null) norms.put(name, n);
        });
        return norms;
    }

    /** The 2-norm of each parameter's gradient (grad-less ones omitted), changing nothing; on a GPU one copy comes back. */
    public static LinkedHashMap<String, Float> norms(Map<String, Tensor> params) {
        if (params.values().stream().anyMatch(p -> p.device() == Device.CUDA)) return perParameterOnDevice(params, Float.NaN);
        LinkedHashMap<String, Float> norms = new LinkedHashMap<>();
        params.forEach((name, p) -> { if (p.grad() != null) norms.put(name, Params.norm(p.grad())); });
        return norms;
    }

    /**
     * Like {@code torch.nn.utils.clip_grad_norm_} (2-norm): the total norm over all gradients is
     * {@code sqrt(Σ‖g_i‖²)}; every gradient is multiplied by {@code min(1, maxNorm/(total+1e-6))}.
     * Returns the total norm before clipping (0 when no parameter has a gradient).
     */
    public static float globalNorm(List<Tensor> params, double maxNorm) {
        checkMax(maxNorm);
        List<Tensor> grads = new ArrayList<>();
        double sq = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            grads.add(g);
            float n = Params.norm(g);
            sq += (double) n * n;
        }
        float total = (float) Math.sqrt(sq);
        if (grads.isEmpty()) return 0f;
        float coef = Math.min(1f, (1f / (total + EPS)) * (float) maxNorm);
        for (Tensor g : grads) scale(g, coef);
        return total;
    }

    /**
     * The per-parameter clipping of GPU gradients: each norm and scale is computed on the device (the clip factor
     * never visits the host); the norms, kept there as doubles, come back in one copy at the end for the log.
     * A NaN {@code maxNorm} only measures.
     */
    private static LinkedHashMap<String, Float> perParameterOnDevice(Map<String, Tensor> params, float maxNorm) {
        java.util.List<String> names = new ArrayList<>();
        params.forEach((name, p) -> { if (p.grad() != null) names.add(name); });
        LinkedHashMap<String, Float> norms = new LinkedHashMap<>();
        if (names.isEmpty()) return norms;
        Tensor sums = Tensor.zeros(org.ibot4j.runtime.tensor.Shape.of(2 * names.size()), Device.CUDA);  // one double per name
        long base = CudaTensors.address(sums);
        for (int i = 0; i < names.size(); i++) {
            Tensor p = params.get(names.get(i));
            CudaOps.requireDevice("clip_gradients", p.grad());
            Tensor g = Params.denseGrad(p);
            if (g != p.grad()) p.setGrad(g);
            long slot = base + (long) i * Double.BYTES;
            if (Float.isNaN(maxNorm)) CudaBackend.shared().sumSquares(CudaTensors.address(g), g.size(), slot);
            else CudaBackend.shared().clipByNorm(CudaTensors.address(g), g.size(), maxNorm, slot);
        }
        float[] raw = sums.toArray();
        for (int i = 0; i < names.size(); i++) {
            long bits = (Float.floatToRawIntBits(raw[2 * i + 1]) & 0xffffffffL) << 32 | (Float.floatToRawIntBits(raw[2 * i]) & 0xffffffffL);
            norms.put(names.get(i), (float) Math.sqrt(Double.longBitsToDouble(bits)));
        }
        return norms;
    }

    private static Float clipOne(Tensor p, float maxNorm) {
        Tensor g = p.grad();
        if (g == null) return null;
        float n = Params.norm(g);
        float coef = (1f / (n + EPS)) * maxNorm;
        if (coef < 1f) scale(g, coef);
        return n;
    }

    private static void scale(Tensor g, float s) {
        if (g.isContiguous()) g.mulInPlace(s);
        else g.copyFrom(g.contiguousCopy().mulInPlace(s));
    }

    private static void checkMax(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new IllegalArgumentException("max norm must be finite and > 0, got " + maxNorm);
    }
}
