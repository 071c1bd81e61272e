package org.ibot4j.eval;

/**
 * Weighted k-nearest-neighbour classification of features (spec 9.2, DINO/iBOT {@code eval_knn.py}):
 * features are L2-normalised, similarity is the dot product (cosine), the k most similar training features
 * vote for their class with weight {@code exp(sim / T)}, and the class with the largest summed weight wins.
 * Ties in similarity keep the lower training index first; ties in votes pick the lower class.
 */
public final class Knn {
    /** The usual temperature of the votes. */
    public static final double DEFAULT_T = 0.07;
    /** The usual k. */
    public static final int DEFAULT_K = 20;

    private Knn() {}

    /** Result of a k-NN evaluation: predicted class per test row and top-1 accuracy as a fraction. */
    public record Result(int k, int[] predictions, double top1) {}

    /**
     * Classifies {@code test} ([M, D] row-major) against {@code train} ([N, D]) with labels in [0, classes).
     * {@code k} is capped at N.
     */
    public static Result classify(float[] train, int[] trainLabels, float[] test, int[] testLabels, int dim, int k, double t) {
        if (dim <= 0) throw new IllegalArgumentException("feature dim must be > 0, got " + dim);
        if (train.length % dim != 0 || test.length % dim != 0) throw new IllegalArgumentException("feature arrays are not multiples of dim " + dim);
        int n = train.length / dim, m = test.length / dim;
        if (n != trainLabels.length) throw new IllegalArgumentException(n + " train features but " + trainLabels.length + " labels");
        if (m != testLabels.length) throw new IllegalArgumentException(m + " test features but " + testLabels.length + " labels");
        if (n == 0) throw new IllegalArgumentException("no training features");
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, got " + k);
        if (!(t > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + t);
        int classes = 0;
        for (int l : trainLabels) {
            if (l < 0) throw new IllegalArgumentException("negative label " + l);
            classes = Math.max(classes, l + 1);
        }
        int kk = Math.min(k, n);
        float[] tr = normalized(train, dim), te = normalized(test, dim);
        int[] pred = new int[m];
        int correct = 0;
        double[] sims = new double[n];
        int[] top = new int[kk];
        double[] votes = new double[classes];
        for (int q = 0; q < m; q++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int d = 0; d < dim; d++) s += (double) te[q * dim + d] * tr[i * dim + d];
                sims[i] = s;
            }
            topK(sims, top);
            java.util.Arrays.fill(votes, 0);
            for (int j = 0; j < kk; j++) votes[trainLabels[top[j]]] += Math.exp(sims[top[j]] / t);
            int best = 0;
            for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
            pred[q] = best;
            if (best == testLabels[q]) correct++;
        }
        return new Result(kk, pred, m == 0 ? 0 : (double) correct / m);
    }

    /** Indices of the top.length largest values, best first (ties: lower index first). */
    private static void topK(double[] v, int[] top) {
        int k = top.length, filled = 0;
        for (int i = 0; i < v.length; i++) {
            if (filled == k && !(v[i] > v[top[k - 1]])) continue;
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && v[i] > v[top[pos - 1]]) { top[pos] = top[pos - 1]; pos--; }
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
