package org.ibot4j.runtime.random;

/**
 * Seeded random numbers: SplitMix64 (a fixed, documented algorithm, so a seed gives the same stream on every
 * JDK). Not thread-safe: ops that need randomness draw from it sequentially on the calling thread, which is
 * what makes seeded runs reproducible regardless of kernel threading.
 */
public final class Rng {
    private long state;
    private double spareGaussian = Double.NaN;

    public Rng(long seed) { this.state = seed; }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() { return (nextLong() >>> 40) * 0x1.0p-24f; }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Standard normal (Box-Muller, caching the second value). */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) { double g = spareGaussian; spareGaussian = Double.NaN; return g; }
        double u1;
        do { u1 = nextDouble(); } while (u1 <= 0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        spareGaussian = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** An independent generator derived from this one (for per-module or per-worker streams). */
    public Rng split() { return new Rng(nextLong()); }
}
