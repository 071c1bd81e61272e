package org.ibot4j.runtime.optim;

/** {@code numpy.linspace(start, stop, num)} with both endpoints included, in double. */
public final class Linspace {
    private Linspace() {}

    /** {@code num} values {@code start + i·step}, {@code step = (stop−start)/(num−1)}, the last set to {@code stop}. */
    public static double[] linspace(double start, double stop, int num) {
        if (num < 0) throw new IllegalArgumentException("number of samples must be >= 0, got " + num);
        double[] out = new double[num];
        if (num == 0) return out;
        out[0] = start;
        if (num == 1) return out;
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) out[i] = i * step + start;
        out[num - 1] = stop;
        return out;
    }
}
