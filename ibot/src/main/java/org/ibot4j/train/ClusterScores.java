package org.ibot4j.train;

/**
 * Agreement between true labels and cluster assignments (the teacher's crop-0 CLS argmax), as the reference
 * logs them per epoch with scikit-learn: normalised mutual information (arithmetic mean of the entropies),
 * adjusted Rand index and Fowlkes–Mallows score.
 */
public record ClusterScores(double nmi, double ari, double fscore) {
    public static ClusterScores of(int[] labels, int[] clusters) {
        if (labels.length != clusters.length) throw new IllegalArgumentException(labels.length + " labels but " + clusters.length + " clusters");
        int n = labels.length;
        if (n == 0) return new ClusterScores(0, 0, 0);
        var rows = new java.util.HashMap<Integer, Integer>();
        var cols = new java.util.HashMap<Integer, Integer>();
        for (int i = 0; i < n; i++) { rows.putIfAbsent(labels[i], rows.size()); cols.putIfAbsent(clusters[i], cols.size()); }
        long[][] table = new long[rows.size()][cols.size()];
        for (int i = 0; i < n; i++) table[rows.get(labels[i])][cols.get(clusters[i])]++;
        long[] a = new long[rows.size()], b = new long[cols.size()];
        for (int r = 0; r < a.length; r++) for (int c = 0; c < b.length; c++) { a[r] += table[r][c]; b[c] += table[r][c]; }

        double hu = entropy(a, n), hv = entropy(b, n), mi = 0;
        for (int r = 0; r < a.length; r++)
            for (int c = 0; c < b.length; c++)
                if (table[r][c] > 0) mi += (double) table[r][c] / n * Math.log((double) table[r][c] * n / ((double) a[r] * b[c]));
        double nmi = (hu == 0 && hv == 0) ? 1.0 : (hu + hv == 0 ? 0 : mi / ((hu + hv) / 2));

        double sumComb = 0, sumA = 0, sumB = 0, sq = 0, sqA = 0, sqB = 0;
        for (long[] row : table) for (long v : row) { sumComb += comb2(v); sq += (double) v * v; }
        for (long v : a) { sumA += comb2(v); sqA += (double) v * v; }
        for (long v : b) { sumB += comb2(v); sqB += (double) v * v; }
        double expected = sumA * sumB / comb2(n), max = (sumA + sumB) / 2;
        double ari = max == expected ? 1.0 : (sumComb - expected) / (max - expected);
        double tk = sq - n, pk = sqA - n, qk = sqB - n;
        double fm = tk == 0 ? 0 : tk / Math.sqrt(pk * qk);
        return new ClusterScores(nmi, ari, fm);
    }

    private static double entropy(long[] counts, int n) {
        double h = 0;
        for (long c : counts) if (c > 0) { double p = (double) c / n; h -= p * Math.log(p); }
        return h;
    }

    private static double comb2(double v) { return v * (v - 1) / 2; }
}
