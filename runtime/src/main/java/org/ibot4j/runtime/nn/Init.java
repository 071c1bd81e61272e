package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.backend.cpu.Erf;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Weight initialisers with PyTorch's definitions, driven by a seeded {@link Rng} (same seed → bit-identical
 * weights). Values are drawn in row-major order, computed in double and rounded to float once. All methods
 * write in place into a dense tensor (no autograd) and return it.
 */
public final class Init {
    private static final double SQRT2 = Math.sqrt(2.0);

    private Init() {}

    /**
     * {@code torch.nn.init.trunc_normal_}: the inverse-CDF method. Draw {@code y} uniform in
     * {@code [2Φ(α)−1, 2Φ(β)−1]} with {@code α=(a−mean)/std}, {@code β=(b−mean)/std}, then
     * {@code x = mean + std·√2·erfinv(y)} clamped to {@code [a, b]}. Bounds are absolute values.
     */
    public static Tensor truncNormal(Tensor t, double mean, double std, double a, double b, Rng rng) {
        if (!(std > 0)) throw new IllegalArgumentException("std must be > 0, got " + std);
        if (!(a < b)) throw new IllegalArgumentException("truncation bounds must satisfy a < b, got [" + a + ", " + b + "]");
        double lo = 2 * normCdf((a - mean) / std) - 1, hi = 2 * normCdf((b - mean) / std) - 1;
        float[] d = dense(t);
        int off = t.offset();
        for (int i = 0; i < t.size(); i++) {
            double y = lo + (hi - lo) * rng.nextDouble();
            double x = mean + std * SQRT2 * erfinv(y);
            d[off + i] = (float) Math.min(b, Math.max(a, x));
        }
        return t;
    }

    /** Truncated normal with the timm/DINO defaults: mean 0, bounds ±2 (absolute). */
    public static Tensor truncNormal(Tensor t, double std, Rng rng) { return truncNormal(t, 0, std, -2, 2, rng); }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, Rng rng) {
        if (!(lo <= hi)) throw new IllegalArgumentException("uniform bounds must satisfy lo <= hi, got [" + lo + ", " + hi + "]");
        float[] d = dense(t);
        int off = t.offset();
        for (int i = 0; i < t.size(); i++) d[off + i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return t;
    }

    /** Normal with the given mean and std. */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        float[] d = dense(t);
        int off = t.offset();
        for (int i = 0; i < t.size(); i++) d[off + i] = (float) (mean + std * rng.nextGaussian());
        return t;
    }

    public static Tensor zeros(Tensor t) { dense(t); return t.fill(0f); }

    public static Tensor ones(Tensor t) { dense(t); return t.fill(1f); }

    public static Tensor constant(Tensor t, float v) { dense(t); return t.fill(v); }

    /**
     * PyTorch's default for {@code nn.Linear} / {@code nn.Conv2d} weights: {@code kaiming_uniform_(a=√5)},
     * which is U(±1/√fanIn) with fanIn = dim 1 × the product of dims 2.. (in·kh·kw for a conv).
     */
    public static Tensor defaultWeight(Tensor w, Rng rng) {
        double bound = 1 / Math.sqrt(fanIn(w));
        return uniform(w, -bound, bound, rng);
    }

    /** PyTorch's default bias init for a layer whose weight has fan-in {@code fanIn}: U(±1/√fanIn). */
    public static Tensor defaultBias(Tensor b, int fanIn, Rng rng) {
        double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        return uniform(b, -bound, bound, rng);
    }

    /** Fan-in of a weight of rank ≥ 2: {@code dim(1) · Π dim(2..)}. */
    public static int fanIn(Tensor w) {
        if (w.rank() < 2) throw new IllegalArgumentException("fan-in needs a weight of rank >= 2, got shape " + w.shape());
        int n = w.dim(1);
        for (int i = 2; i < w.rank(); i++) n *= w.dim(i);
        return n;
    }

    /** Standard normal CDF. */
    public static double normCdf(double x) { return (1 + Erf.erf(x / SQRT2)) / 2; }

    /**
     * Inverse error function on (−1, 1) in double: Giles' approximation refined by Newton steps on
     * {@code erf(x) − y}. Returns ±∞ at ±1 and NaN outside [−1, 1].
     */
    public static double erfinv(double y) {
        if (Double.isNaN(y) || y < -1 || y > 1) return Double.NaN;
        if (y == 1) return Double.POSITIVE_INFINITY;
        if (y == -1) return Double.NEGATIVE_INFINITY;
        if (y == 0) return y;
        double w = -Math.log((1 - y) * (1 + y));
        double p;
        if (w < 5) {
            w -= 2.5;
            p = 2.81022636e-08;
            p = 3.43273939e-07 + p * w;
            p = -3.5233877e-06 + p * w;
            p = -4.39150654e-06 + p * w;
            p = 0.00021858087 + p * w;
            p = -0.00125372503 + p * w;
            p = -0.00417768164 + p * w;
            p = 0.246640727 + p * w;
            p = 1.50140941 + p * w;
        } else {
            w = Math.sqrt(w) - 3;
            p = -0.000200214257;
            p = 0.000100950558 + p * w;
            p = 0.00134934322 + p * w;
            p = -0.00367342844 + p * w;
            p = 0.00573950773 + p * w;
            p = -0.0076224613 + p * w;
            p = 0.00943887047 + p * w;
            p = 1.00167406 + p * w;
            p = 2.83297682 + p * w;
        }
        double x = p * y;
        double twoOverSqrtPi = 2 / Math.sqrt(Math.PI);
        for (int k = 0; k < 3; k++) {
            double err = Erf.erf(x) - y;
            double deriv = twoOverSqrtPi * Math.exp(-x * x);
            if (deriv == 0) break;
            x -= err / deriv;
        }
        return x;
    }

    private static float[] dense(Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException("initialisers write dense tensors, got a strided view of shape " + t.shape());
        return t.array();
    }
}
