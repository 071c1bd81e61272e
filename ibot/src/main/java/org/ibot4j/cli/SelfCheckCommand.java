package org.ibot4j.cli;

import java.util.concurrent.Callable;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.nn.Block;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runtime self-check: prints which kernels are live, then runs every hot kernel on random data with the
 * fast backend and the scalar reference and reports the largest relative difference. Exit code 1 on a mismatch.
 */
@Command(name = "selfcheck", mixinStandardHelpOptions = true,
        description = "Check the runtime: which kernels are live, and that they agree with the scalar reference.")
public final class SelfCheckCommand implements Callable<Integer> {
    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    /** Max |fast - reference| / max |reference|: float32 kernels vs double-accumulating references. */
    private static final double TOLERANCE = 1e-5;

    @Override public Integer call() {
        Backend fast = Backends.current(), ref = Backends.reference();
        System.out.println("java:    " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        System.out.println("kernels: " + fast.name());
        System.out.println("reference: " + ref.name());
        Rng rng = new Rng(seed);
        boolean ok = true;
        ok &= report("sgemm 197x64x197 (A·Bᵀ)", gemm(fast, ref, rng, 197, 197, 64, false, true));
        ok &= report("sgemm 256x384x1152", gemm(fast, ref, rng, 256, 1152, 384, false, false));
        ok &= report("sgemm 129x65x33 (Aᵀ·B)", gemm(fast, ref, rng, 129, 33, 65, true, false));
        ok &= report("softmax 1182x197", rows(fast, ref, rng, 1182, 197, Kernel.SOFTMAX));
        ok &= report("log-softmax 64x1000", rows(fast, ref, rng, 64, 1000, Kernel.LOG_SOFTMAX));
        ok &= report("layer norm 1576x384", rows(fast, ref, rng, 1576, 384, Kernel.LAYER_NORM));
        ok &= report("gelu 1576x1536", rows(fast, ref, rng, 1576, 1536, Kernel.GELU));
        ok &= report("ViT block fwd+bwd (dim 96)", block(fast, ref));
        System.out.println(ok ? "selfcheck: OK" : "selfcheck: FAILED");
        return ok ? 0 : 1;
    }

    private static boolean report(String what, double relErr) {
        boolean ok = relErr <= TOLERANCE;
        System.out.printf("  %-28s max diff/scale %.2e  %s%n", what, relErr, ok ? "ok" : "MISMATCH");
        return ok;
    }

    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    private static double gemm(Backend fast, Backend ref, Rng rng, int m, int n, int k, boolean ta, boolean tb) {
        float[] a = random(rng, m * k), b = random(rng, k * n), c1 = new float[m * n], c2 = new float[m * n];
        fast.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c1, 0, n);
        ref.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c2, 0, n);
        return maxRel(c1, c2);
    }

    /** A whole pre-norm ViT block, forward and input gradient, on both backends with the same weights. */
    private double block(Backend fast, Backend ref) {
        float[][] fastRun = Backends.with(fast, () -> blockRun(seed)), refRun = Backends.with(ref, () -> blockRun(seed));
        return Math.max(maxRel(fastRun[0], refRun[0]), maxRel(fastRun[1], refRun[1]));
    }

    private static float[][] blockRun(long seed) {
        Rng rng = new Rng(seed + 1);
        Block block = new Block(96, 4, rng);
        Tensor x = Tensor.randn(rng, 2, 17, 96).requiresGrad(true);
        Tensor y = block.forward(x);
        y.backward(Tensor.randn(rng, 2, 17, 96));
        return new float[][] {y.toArray(), x.grad().toArray()};
    }

    private enum Kernel { SOFTMAX, LOG_SOFTMAX, LAYER_NORM, GELU }

    private static double rows(Backend fast, Backend ref, Rng rng, int rows, int cols, Kernel kernel) {
        float[] x = random(rng, rows * cols), y1 = new float[x.length], y2 = new float[x.length];
        switch (kernel) {
            case SOFTMAX, LOG_SOFTMAX -> {
                boolean log = kernel == Kernel.LOG_SOFTMAX;
                fast.softmaxRows(x, 0, y1, 0, rows, cols, log);
                ref.softmaxRows(x, 0, y2, 0, rows, cols, log);
            }
            case LAYER_NORM -> {
                float[] w = random(rng, cols), b = random(rng, cols);
                fast.layerNormRows(x, 0, w, b, y1, 0, new float[rows], new float[rows], rows, cols, 1e-6f);
                ref.layerNormRows(x, 0, w, b, y2, 0, new float[rows], new float[rows], rows, cols, 1e-6f);
            }
            case GELU -> {
                fast.gelu(x, 0, y1, 0, x.length);
                ref.gelu(x, 0, y2, 0, x.length);
            }
        }
        return maxRel(y1, y2);
    }

    /** Largest absolute difference relative to the largest reference magnitude (NaN counts as infinite). */
    private static double maxRel(float[] got, float[] want) {
        double worst = 0, scale = 0;
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs(got[i] - want[i]);
            if (!(d <= worst)) worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            scale = Math.max(scale, Math.abs(want[i]));
        }
        return worst / Math.max(scale, Float.MIN_NORMAL);
    }
}
