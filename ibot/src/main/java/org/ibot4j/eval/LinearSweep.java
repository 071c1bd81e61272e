package org.ibot4j.eval;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.ibot4j.runtime.ops.MatMul;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Linear probing on frozen features (spec 9.3, the multi-LR version of {@code eval_linear_multi.py}): L linear
 * classifiers, one per base learning rate, trained at once on the same shuffled batches. Each is
 * {@code Linear(F, C)} with weight ~ N(0, 0.01²) and bias 0, trained with cross-entropy and SGD (momentum, weight
 * decay) at {@code lr = base · B / 256}, annealed per epoch by a cosine to 0 over the run. The reported result
 * is the best validation top-1 over all classifiers and validated epochs (spec 11.18), with that classifier's
 * weights.
 *
 * <p>All classifiers are one {@code [F, L·C]} matrix, so a batch costs two GEMMs ({@code X·W} and
 * {@code Xᵀ·G}) whatever L is; the per-classifier softmax, loss and SGD update are plain loops.
 */
public final class LinearSweep {
    /**
     * Training settings.
     *
     * @param baseLrs     base learning rates, one classifier each (scaled by {@code batchSize / 256})
     * @param epochs      passes over the training features
     * @param batchSize   rows per SGD step (the last batch of an epoch may be smaller)
     * @param momentum    SGD momentum (PyTorch form: {@code buf = m·buf + g; w -= lr·buf})
     * @param weightDecay L2 weight decay added to the gradient of weights and biases
     * @param valFreq     validate every this many epochs (and after the last)
     * @param seed        seed of the initial weights and of the batch order
     */
    public record Config(double[] baseLrs, int epochs, int batchSize, double momentum, double weightDecay, int valFreq, long seed) {
        public Config {
            if (baseLrs.length == 0) throw new IllegalArgumentException("no learning rate to train with");
            for (double lr : baseLrs) if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rates must be > 0, got " + lr);
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            if (momentum < 0 || momentum >= 1) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            if (weightDecay < 0) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            if (valFreq < 1) throw new IllegalArgumentException("val_freq must be >= 1, got " + valFreq);
            baseLrs = baseLrs.clone();
        }

        /** The learning rate of classifier {@code i} before annealing: {@code base · B / 256}. */
        public double lr(int i) { return baseLrs[i] * batchSize / 256.0; }
    }

    /**
     * One epoch's figures: 1-based {@code epoch}, the cosine factor its learning rates used, each classifier's
     * mean training loss, and (on validated epochs, else null) each classifier's val top-1/top-5 as fractions.
     */
    public record EpochLog(int epoch, double lrFactor, double[] trainLoss, double[] valTop1, double[] valTop5) {
        public boolean validated() { return valTop1 != null; }
    }

    /**
     * The outcome: the best classifier's index, base and scaled lr, 1-based epoch, val top-1 and top-5
     * (fractions), its {@code weight [C, F]} (PyTorch layout) and {@code bias [C]}; and per classifier its best
     * val top-1 and the epoch of it.
     */
    public record Result(int bestIndex, double bestBaseLr, double bestLr, int bestEpoch, double top1, double top5,
                         float[] weight, float[] bias, int classes, int dim, double[] bestTop1PerLr, int[] bestEpochPerLr) {}

    /** The reference sweep {@code {1..9} × {1e-4, 1e-3, 1e-2, 1e-1, 1}}, ascending: 45 base learning rates. */
    public static double[] defaultBaseLrs() {
        double[] out = new double[45];
        int i = 0;
        for (int e = -4; e <= 0; e++)
            for (int m = 1; m <= 9; m++) out[i++] = Double.parseDouble(m + "e" + e);
        return out;
    }

    /** The per-epoch cosine annealing factor ({@code CosineAnnealingLR} to 0): {@code (1 + cos(π·e/E)) / 2}, e 0-based. */
    public static double lrFactor(int epoch, int epochs) {
        return 0.5 * (1 + Math.cos(Math.PI * epoch / epochs));
    }

    private LinearSweep() {}

    /**
     * Trains on {@code train}, validates on {@code val}, over {@code classes} classes (labels outside it are an
     * error); {@code log} (may be null) gets every epoch.
     */
    public static Result train(Features.Set train, Features.Set val, int classes, Config cfg, Consumer<EpochLog> log) {
        return train(train, e -> train, val, classes, cfg, log);
    }

    /**
     * As {@link #train(Features.Set, Features.Set, int, Config, Consumer)}, but epoch {@code e} (0-based) trains on
     * {@code trainForEpoch.apply(e)} (the reference's augmented, recomputed features; {@code train} is epoch 0's
     * and fixes the count, dim and labels every epoch must have).
     */
    public static Result train(Features.Set train, IntFunction<Features.Set> trainForEpoch, Features.Set val, int classes, Config cfg,
                               Consumer<EpochLog> log) {
        int f = train.dim(), n = train.size(), nl = cfg.baseLrs().length;
        if (val.dim() != f) throw new IllegalArgumentException("train features have dim " + f + " but val features " + val.dim());
        if (n == 0 || val.size() == 0) throw new IllegalArgumentException("no features to train or validate on");
        if (classes < 1) throw new IllegalArgumentException("need at least one class, got " + classes);
        for (Features.Set s : new Features.Set[] {train, val})
            for (int l : s.labels())
                if (l < 0 || l >= classes) throw new IllegalArgumentException("label " + l + " outside [0, " + classes + ")");
        int lc = nl * classes;
        if ((long) f * lc > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(nl + " classifiers of " + f + "x" + classes + " are too large");

        float[] w = new float[f * lc], b = new float[lc], wBuf = new float[f * lc], bBuf = new float[lc];
        Rng rng = new Rng(cfg.seed());
        for (int l = 0; l < nl; l++)  // PyTorch order per classifier: weight [C, F] row-major
            for (int c = 0; c < classes; c++)
                for (int d = 0; d < f; d++) w[d * lc + l * classes + c] = (float) (0.01 * rng.nextGaussian());
        Tensor wT = Tensor.of(w, f, lc);
        Rng shuffle = new Rng(cfg.seed() ^ 0x5DEECE66DL);

        int bestIndex = 0, bestEpoch = 0;
        double bestTop1 = -1, bestTop5 = 0;
        float[] bestW = new float[classes * f], bestB = new float[classes];
        double[] bestPerLr = new double[nl];
        int[] bestEpochPerLr = new int[nl];
        Arrays.fill(bestPerLr, -1);
        float[] xb = new float[cfg.batchSize() * f];
        double[] lrCol = new double[lc];

        Features.Set epoch0 = train;
        for (int e = 0; e < cfg.epochs(); e++) {
            if (e > 0) train = epochFeatures(epoch0, trainForEpoch, e);
            double factor = lrFactor(e, cfg.epochs());
            for (int j = 0; j < lc; j++) lrCol[j] = cfg.lr(j / classes) * factor;
            int[] perm = permutation(n, shuffle);
            double[] lossSum = new double[nl];
            int batches = 0;
            for (int s = 0; s < n; s += cfg.batchSize()) {
                int bs = Math.min(cfg.batchSize(), n - s);
                for (int r = 0; r < bs; r++) System.arraycopy(train.features(), perm[s + r] * f, xb, r * f, f);
                Tensor x = Tensor.of(xb, cfg.batchSize(), f).slice(0, 0, bs);
                float[] g = x.matmul(wT).contiguous().toArray();  // logits [bs, lc], turned into dLoss/dLogits in place
                int[] y = new int[bs];
                for (int r = 0; r < bs; r++) y[r] = train.labels()[perm[s + r]];
                softmaxGrad(g, b, y, bs, nl, classes, lossSum);
                Tensor gW = MatMul.matmul(x, Tensor.of(g, bs, lc), true, false).contiguous();
                float[] gb = new float[lc];
                for (int r = 0; r < bs; r++) for (int j = 0; j < lc; j++) gb[j] += g[r * lc + j];
                sgdStep(w, wBuf, gW.array(), gW.offset(), lrCol, cfg, f, lc);
                sgdStep(b, bBuf, gb, 0, lrCol, cfg, 1, lc);
                batches++;
            }
            for (int l = 0; l < nl; l++) lossSum[l] /= batches;
            boolean validate = (e + 1) % cfg.valFreq() == 0 || e == cfg.epochs() - 1;
            double[] top1 = null, top5 = null;
            if (validate) {
                double[][] acc = accuracy(val, wT, b, nl, classes);
                top1 = acc[0];
                top5 = acc[1];
                for (int l = 0; l < nl; l++) {
                    if (top1[l] > bestPerLr[l]) { bestPerLr[l] = top1[l]; bestEpochPerLr[l] = e + 1; }
                    if (top1[l] > bestTop1) {
                        bestTop1 = top1[l];
                        bestTop5 = top5[l];
                        bestIndex = l;
                        bestEpoch = e + 1;
                        for (int c = 0; c < classes; c++) {
                            bestB[c] = b[l * classes + c];
                            for (int d = 0; d < f; d++) bestW[c * f + d] = w[d * lc + l * classes + c];
                        }
                    }
                }
            }
            if (log != null) log.accept(new EpochLog(e + 1, factor, lossSum, top1, top5));
        }
        return new Result(bestIndex, cfg.baseLrs()[bestIndex], cfg.lr(bestIndex), bestEpoch, bestTop1, bestTop5, bestW, bestB,
                classes, f, bestPerLr, bestEpochPerLr);
    }

    /** Logits (plus bias) → per classifier softmax cross-entropy gradient {@code (p − onehot) / bs}, in place; adds the mean loss of each classifier. */
    static void softmaxGrad(float[] g, float[] bias, int[] y, int bs, int nl, int classes, double[] lossSum) {
        int lc = nl * classes;
        double[] batchLoss = new double[nl];
        for (int r = 0; r < bs; r++) {
            int row = r * lc;
            for (int l = 0; l < nl; l++) {
                int o = row + l * classes;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    g[o + c] += bias[l * classes + c];
                    max = Math.max(max, g[o + c]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) sum += Math.exp(g[o + c] - max);
                batchLoss[l] += Math.log(sum) + max - g[o + y[r]];
                for (int c = 0; c < classes; c++) {
                    double p = Math.exp(g[o + c] - max) / sum;
                    g[o + c] = (float) ((p - (c == y[r] ? 1 : 0)) / bs);
                }
            }
        }
        for (int l = 0; l < nl; l++) lossSum[l] += batchLoss[l] / bs;
    }

    /** PyTorch SGD over a {@code [rows, lc]} block: {@code g += wd·p; buf = m·buf + g; p -= lr_col·buf}. */
    private static void sgdStep(float[] p, float[] buf, float[] grad, int gOff, double[] lrCol, Config cfg, int rows, int lc) {
        float m = (float) cfg.momentum(), wd = (float) cfg.weightDecay();
        IntStream range = IntStream.range(0, rows);
        if ((long) rows * lc >= 1 << 16) range = range.parallel();
        range.forEach(r -> {
            int o = r * lc;
            for (int j = 0; j < lc; j++) {
                float g = grad[gOff + o + j] + wd * p[o + j];
                float v = m * buf[o + j] + g;
                buf[o + j] = v;
                p[o + j] -= (float) (lrCol[j] * v);
            }
        });
    }

    /** Val top-1 and top-5 (fractions) of every classifier, in chunks of rows. */
    static double[][] accuracy(Features.Set val, Tensor w, float[] b, int nl, int classes) {
        int f = val.dim(), m = val.size(), lc = nl * classes;
        int chunk = Math.max(1, Math.min(m, (1 << 22) / lc));
        long[] c1 = new long[nl], c5 = new long[nl];
        int top = Math.min(5, classes);
        Tensor all = Tensor.of(val.features(), m, f);
        for (int s = 0; s < m; s += chunk) {
            int e = Math.min(m, s + chunk), s0 = s;
            Tensor logits = all.slice(0, s, e).matmul(w).contiguous();
            float[] a = logits.array();
            int off = logits.offset();
            long[][] part = IntStream.range(0, e - s).parallel().mapToObj(r -> {
                long[] h = new long[2 * nl];
                int label = val.labels()[s0 + r];
                for (int l = 0; l < nl; l++) {
                    int o = off + r * lc + l * classes;
                    float mine = a[o + label] + b[l * classes + label];
                    if (Float.isNaN(mine)) continue;  // a diverged classifier scores nothing
                    int above = 0;  // classes ranked before the label (ties: lower class first)
                    for (int c = 0; c < classes; c++) {
                        float v = a[o + c] + b[l * classes + c];
                        if (v > mine || Float.isNaN(v) || (v == mine && c < label)) above++;
                    }
                    if (above == 0) h[l]++;
                    if (above < top) h[nl + l]++;
                }
                return h;
            }).toArray(long[][]::new);
            for (long[] h : part) for (int l = 0; l < nl; l++) { c1[l] += h[l]; c5[l] += h[nl + l]; }
        }
        double[][] out = new double[2][nl];
        for (int l = 0; l < nl; l++) { out[0][l] = (double) c1[l] / m; out[1][l] = (double) c5[l] / m; }
        return out;
    }

    private static Features.Set epochFeatures(Features.Set first, IntFunction<Features.Set> trainForEpoch, int e) {
        Features.Set t = trainForEpoch.apply(e);
        if (t == first) return t;
        if (t.size() != first.size() || t.dim() != first.dim() || !Arrays.equals(t.labels(), first.labels()))
            throw new IllegalArgumentException("epoch " + (e + 1) + " train features (" + t.size() + " x " + t.dim()
                    + ") do not match epoch 1's (" + first.size() + " x " + first.dim() + ", same labels)");
        return t;
    }

    private static int[] permutation(int n, Rng rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
