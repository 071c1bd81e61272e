package org.ibot4j.runtime.optim;

/**
 * The DINO/iBOT {@code cosine_scheduler} (spec 7.2), one value per iteration, computed in double exactly
 * like the NumPy original: a linear warm-up ({@code linspace(start, base, warmupEpochs·N)}, both ends
 * included) followed by {@code final + 0.5·(base−final)·(1 + cos(π·j/M))} for {@code j = 0..M−1}.
 */
public final class CosineSchedule {
    private CosineSchedule() {}

    /** Without warm-up. */
    public static double[] cosine(double base, double fin, int epochs, int itersPerEpoch) {
        return cosine(base, fin, epochs, itersPerEpoch, 0, 0.0);
    }

    public static double[] cosine(double base, double fin, int epochs, int itersPerEpoch, int warmupEpochs, double startWarmupValue) {
        if (epochs < 0 || itersPerEpoch < 0 || warmupEpochs < 0)
            throw new IllegalArgumentException("epochs, iterations per epoch and warm-up epochs must be >= 0, got "
                    + epochs + ", " + itersPerEpoch + ", " + warmupEpochs);
        long total = (long) epochs * itersPerEpoch;
        long warmup = (long) warmupEpochs * itersPerEpoch;
        if (warmup > total) throw new IllegalArgumentException("warm-up (" + warmupEpochs + " epochs) is longer than the run (" + epochs + " epochs)");
        if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("schedule too long: " + total + " iterations");
        double[] out = new double[(int) total];
        double[] ramp = Linspace.linspace(startWarmupValue, base, (int) warmup);
        System.arraycopy(ramp, 0, out, 0, ramp.length);
        int m = (int) (total - warmup);
        for (int j = 0; j < m; j++) out[(int) warmup + j] = fin + 0.5 * (base - fin) * (1 + Math.cos(Math.PI * j / m));
        return out;
    }
}
