package org.ibot4j.data;

import org.ibot4j.runtime.random.Rng;

/**
 * The per-epoch sample order (spec 2.1, one rank): a permutation of {@code 0..n-1} drawn from
 * {@code (seed, epoch)}, cut into batches of {@code B} with the incomplete last batch dropped ({@code drop_last}).
 */
public final class EpochSampler {
    private EpochSampler() {}

    /** The shuffled indices of {@code epoch} (Fisher-Yates). */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Rng rng = SampleSeeds.epochRng(seed, epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    /** Number of full batches per epoch. */
    public static int batchesPerEpoch(int n, int batchSize) { return n / batchSize; }
}
