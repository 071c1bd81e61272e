package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * Per-sample random streams: the generator for one sample is a pure function of (seed, epoch, position, attempt),
 * so augmentation and masks do not depend on which worker thread handles the sample or when.
 */
public final class SampleSeeds {
    private SampleSeeds() {}

    /** The generator of the sample at {@code position} of {@code epoch} ({@code attempt} > 0 for replacements). */
    public static Rng rng(long seed, int epoch, int position, int attempt) {
        long h = mix(seed ^ 0x6A09E667F3BCC908L);
        h = mix(h ^ epoch);
        h = mix(h ^ position);
        h = mix(h ^ attempt);
        return new Rng(h);
    }

    /** The generator of the epoch's shuffle. */
    public static Rng epochRng(long seed, int epoch) { return new Rng(mix(mix(seed ^ 0xBB67AE8584CAA73BL) ^ epoch)); }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
