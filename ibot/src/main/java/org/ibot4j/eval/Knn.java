package org.ibot4j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.ibot4j.runtime.ops.MatMul;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Weighted k-nearest-neighbour classification of features (spec 9.2, DINO/iBOT {@code eval_knn.py}):
 * features are L2-normalised, similarity is the dot product (cosine), the k most similar training features
 * vote for their class with weight {@code exp(sim / T)}, and the class with the largest summed weight wins.
 *
 * <p>Similarities come from one GEMM per chunk of test rows ({@code [chunk, D] · [N, D]ᵀ}), so a 10k × 60k
 * evaluation is a handful of matrix products; the neighbours of the largest k are found once per test row and
 * every smaller k uses a prefix of them. Ties in similarity keep the lower training index first; ties in votes
 * rank the lower class first. Top-5 counts a hit when the label is among the {@code min(5, k)} best-ranked
 * classes (as the reference, which ranks all classes, zero-vote ones included).
 */
public final class Knn {
    /** The usual temperature of the votes. */
    public static final double DEFAULT_T = 0.07;
    /** The usual k. */
    public static final int DEFAULT_K = 20;
    /** The k values the reference prints. */
    public static final int[] DEFAULT_KS = {10, 20, 100, 200};
    /** Upper bound of one similarity chunk, in floats (64 MiB). */
    static final long CHUNK_FLOATS = 16L << 20;

    private Knn() {}

    /** Result of a k-NN evaluation: predicted class per test row and top-1 accuracy as a fraction. */
    public record Result(int k, int[] predictions, double top1) {}

    /**
     * One k's result: {@code k} as asked, {@code effectiveK} (capped at the training-set size), predictions,
     * top-1 and top-5 accuracy as fractions.
     */
    public record KResult(int k, int effectiveK, int[] predictions, double top1, double top5) {}

    /**
     * Classifies {@code test} ([M, D] row-major) against {@code train} ([N, D]) with labels in [0, classes).
     * {@code k} is capped at N.
     */
    public static Result classify(float[] train, int[] trainLabels, float[] test, int[] testLabels, int dim, int k, double t) {
        KResult r = evaluate(train, trainLabels, test, testLabels, dim, new int[] {k}, t, 0).get(0);
        return new Result(r.effectiveK(), r.predictions(), r.top1());
    }

    /**
     * Evaluates every {@code k} of {@code ks} at once (same order in the result). {@code chunk} test rows go
     * through one GEMM (0 = as many as fit in {@link #CHUNK_FLOATS} similarities).
     */
    public static List<KResult> evaluate(float[] train, int[] trainLabels, float[] test, int[] testLabels, int dim,
                                         int[] ks, double t, int chunk) {
        int n = checkInputs(train, trainLabels, test, testLabels, dim, t);
        int m = test.length / dim;
        if (ks.length == 0) throw new IllegalArgumentException("no k given");
        int kmax = 0;
        for (int k : ks) {
            if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
            kmax = Math.max(kmax, Math.min(k, n));
        }
        int classes = classes(trainLabels);
        if (chunk <= 0) chunk = (int) Math.max(1, Math.min(m, CHUNK_FLOATS / n));
        Tensor tr = Tensor.of(normalized(train, dim), n, dim);
        Tensor te = Tensor.of(normalized(test, dim), m, dim);
        int[][] pred = new int[ks.length][m];
        boolean[][] hit5 = new boolean[ks.length][m];
        final int kk = kmax;
        for (int s = 0; s < m; s += chunk) {
            int e = Math.min(m, s + chunk), s0 = s;
            Tensor sim = MatMul.matmul(te.slice(0, s, e), tr, false, true).contiguous();
            float[] a = sim.array();
            int base = sim.offset();
            IntStream.range(0, e - s).parallel().forEach(r -> {
                int[] top = new int[kk];
                topK(a, base + r * n, n, top);
                double[] votes = new double[classes];
                for (int j = 0; j < ks.length; j++) {
                    int kj = Math.min(ks[j], n);
                    Arrays.fill(votes, 0);
                    for (int i = 0; i < kj; i++) votes[trainLabels[top[i]]] += Math.exp(a[base + r * n + top[i]] / t);
                    int[] ranked = ranked(votes, Math.min(5, kj));
                    pred[j][s0 + r] = ranked[0];
                    for (int c : ranked) if (c == testLabels[s0 + r]) hit5[j][s0 + r] = true;
                }
            });
        }
        List<KResult> out = new ArrayList<>(ks.length);
        for (int j = 0; j < ks.length; j++) {
            int c1 = 0, c5 = 0;
            for (int q = 0; q < m; q++) {
                if (pred[j][q] == testLabels[q]) c1++;
                if (hit5[j][q]) c5++;
            }
            out.add(new KResult(ks[j], Math.min(ks[j], n), pred[j], m == 0 ? 0 : (double) c1 / m, m == 0 ? 0 : (double) c5 / m));
        }
        return out;
    }

    /**
     * The plain reference: double-precision dot products one pair at a time, the same voting. For tests of the
     * GEMM path.
     */
    static KResult classifyScalar(float[] train, int[] trainLabels, float[] test, int[] testLabels, int dim, int k, double t) {
        int n = checkInputs(train, trainLabels, test, testLabels, dim, t);
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
        int m = test.length / dim, classes = classes(trainLabels), kk = Math.min(k, n);
        float[] tr = normalized(train, dim), te = normalized(test, dim);
        int[] pred = new int[m];
        int c1 = 0, c5 = 0;
        float[] sims = new float[n];
        int[] top = new int[kk];
        double[] votes = new double[classes];
        for (int q = 0; q < m; q++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int d = 0; d < dim; d++) s += (double) te[q * dim + d] * tr[i * dim + d];
                sims[i] = (float) s;
            }
            topK(sims, 0, n, top);
            Arrays.fill(votes, 0);
            for (int j = 0; j < kk; j++) votes[trainLabels[top[j]]] += Math.exp(sims[top[j]] / t);
            int[] ranked = ranked(votes, Math.min(5, kk));
            pred[q] = ranked[0];
            if (pred[q] == testLabels[q]) c1++;
            for (int c : ranked) if (c == testLabels[q]) { c5++; break; }
        }
        return new KResult(k, kk, pred, m == 0 ? 0 : (double) c1 / m, m == 0 ? 0 : (double) c5 / m);
    }

    private static int checkInputs(float[] train, int[] trainLabels, float[] test, int[] testLabels, int dim, double t) {
        if (dim <= 0) throw new IllegalArgumentException("feature dim must be > 0, got " + dim);
        if (train.length % dim != 0 || test.length % dim != 0) throw new IllegalArgumentException("feature arrays are not multiples of dim " + dim);
        int n = train.length / dim, m = test.length / dim;
        if (n != trainLabels.length) throw new IllegalArgumentException(n + " train features but " + trainLabels.length + " labels");
        if (m != testLabels.length) throw new IllegalArgumentException(m + " test features but " + testLabels.length + " labels");
        if (n == 0) throw new IllegalArgumentException("no training features");
        if (!(t > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + t);
        return n;
    }

    private static int classes(int[] labels) {
        int classes = 0;
        for (int l : labels) {
            if (l < 0) throw new IllegalArgumentException("negative label " + l);
            classes = Math.max(classes, l + 1);
        }
        return classes;
    }

    /** The {@code count} classes with the most votes, best first (ties: lower class first). */
    static int[] ranked(double[] votes, int count) {
        count = Math.min(count, votes.length);
        int[] out = new int[count];
        boolean[] taken = new boolean[votes.length];
        for (int r = 0; r < count; r++) {
            int best = -1;
            for (int c = 0; c < votes.length; c++) if (!taken[c] && (best < 0 || votes[c] > votes[best])) best = c;
            taken[best] = true;
            out[r] = best;
        }
        return out;
    }

    /** Indices (relative to {@code off}) of the top.length largest of {@code v[off, off+n)}, best first (ties: lower index first). */
    static void topK(float[] v, int off, int n, int[] top) {
        int k = top.length, filled = 0;
        for (int i = 0; i < n; i++) {
            float x = v[off + i];
            if (filled == k && !(x > v[off + top[k - 1]])) continue;
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && x > v[off + top[pos - 1]]) { top[pos] = top[pos - 1]; pos--; }
            top[pos] = i;
        }
    }

    /** Row-wise L2 normalisation (like {@code F.normalize}, eps 1e-12). */
    static float[] normalized(float[] x, int dim) {
        float[] out = new float[x.length];
        for (int r = 0; r < x.length / dim; r++) {
            double sq = 0;
            for (int d = 0; d < dim; d++) sq += (double) x[r * dim + d] * x[r * dim + d];
            double norm = Math.max(Math.sqrt(sq), 1e-12);
            for (int d = 0; d < dim; d++) out[r * dim + d] = (float) (x[r * dim + d] / norm);
        }
        return out;
    }
}
