package org.ibot4j.runtime.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Finite-difference gradient checker. For a function {@code f} of float tensors it draws a random upstream
 * gradient {@code g}, takes the analytic gradients of {@code L = Σ g·f(x)} from autograd, and compares each
 * with the central difference {@code (L(x+ε) − L(x−ε)) / ((x+ε) − (x−ε))} evaluated in double around the float
 * input (the denominator uses the perturbed values as actually stored in float). A mismatch fails with the op
 * name, input, element index, both values and the tolerance.
 *
 * <p>Inputs are copied to fresh contiguous leaves; only those passed with {@code requiresGrad(true)} are
 * checked. Views (transposes, slices) belong inside {@code f}. {@code f} must be deterministic (seed any
 * randomness inside it).
 */
public final class GradCheck {
    private final String name;
    private final Function<Tensor[], Tensor> fn;
    private double eps = 1e-3;
    private double rtol = 1e-2;
    private double atol = 1e-3;
    private long seed = 1234;

    private GradCheck(String name, Function<Tensor[], Tensor> fn) {
        this.name = name;
        this.fn = fn;
    }

    /** A checker for the op called {@code name} (used in failure messages). */
    public static GradCheck of(String name, Function<Tensor[], Tensor> fn) { return new GradCheck(name, fn); }

    /** Finite-difference step (default 1e-3). */
    public GradCheck eps(double e) { this.eps = e; return this; }

    /** Passes when |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|) (defaults 1e-2, 1e-3). */
    public GradCheck tolerance(double rtol, double atol) { this.rtol = rtol; this.atol = atol; return this; }

    /** Seed of the random upstream gradient. */
    public GradCheck seed(long s) { this.seed = s; return this; }

    /** Runs the check; returns the largest |analytic − numeric| seen. Throws AssertionError on mismatch. */
    public double check(Tensor... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++)
            leaves[i] = inputs[i] == null ? null : inputs[i].contiguousCopy().requiresGrad(inputs[i].requiresGrad());
        Tensor out = fn.apply(leaves);
        if (!out.requiresGrad()) throw new AssertionError(name + ": output does not require grad; nothing to check");
        Tensor upstream = Tensor.randn(new Rng(seed), out.dims());
        float[] g = upstream.toArray();
        out.backward(upstream);

        List<String> failures = new ArrayList<>();
        double worst = 0;
        for (int in = 0; in < leaves.length; in++) {
            Tensor leaf = leaves[in];
            if (leaf == null || !leaf.requiresGrad()) continue;
            float[] analytic = leaf.grad() == null ? new float[leaf.size()] : leaf.grad().toArray();
            float[] x = leaf.array();
            for (int i = 0; i < x.length; i++) {
                float orig = x[i];
                float xp = (float) (orig + eps), xm = (float) (orig - eps);
                x[i] = xp;
                double lp = loss(leaves, g);
                x[i] = xm;
                double lm = loss(leaves, g);
                x[i] = orig;
                double numeric = (lp - lm) / ((double) xp - (double) xm);
                double diff = Math.abs(analytic[i] - numeric);
                worst = Math.max(worst, diff);
                double tol = atol + rtol * Math.max(Math.abs(analytic[i]), Math.abs(numeric));
                if (!(diff <= tol) && failures.size() < 10)
                    failures.add(String.format("  input %d %s element %s: analytic %.6g, numeric %.6g, |diff| %.3g > tol %.3g",
                            in, leaf.shape(), Arrays.toString(unravel(i, leaf.shape())), analytic[i], numeric, diff, tol));
            }
        }
        if (!failures.isEmpty())
            throw new AssertionError("gradient check failed for '" + name + "' (eps " + eps + ", rtol " + rtol + ", atol " + atol + "):\n"
                    + String.join("\n", failures));
        return worst;
    }

    private double loss(Tensor[] leaves, float[] g) {
        try (var ignored = GradMode.noGrad()) {
            float[] y = fn.apply(leaves).toArray();
            if (y.length != g.length) throw new AssertionError(name + ": output size changed between calls");
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) g[i] * y[i];
            return s;
        }
    }

    /** Row-major multi-index of flat position {@code k}. */
    public static int[] unravel(int k, Shape s) {
        int[] idx = new int[s.rank()];
        for (int i = s.rank() - 1; i >= 0; i--) {
            int d = s.dim(i);
            idx[i] = d == 0 ? 0 : k % d;
            k = d == 0 ? k : k / d;
        }
        return idx;
    }
}
