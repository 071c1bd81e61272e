package org.ibot4j.eval;

import org.ibot4j.runtime.random.Rng;

/**
 * Batch-level Mixup / CutMix with label smoothing (timm {@code Mixup}, {@code mode='batch'}, as the reference
 * fine-tuning uses, spec 9.4). Per batch, with probability {@code prob}: when both alphas are positive CutMix is
 * chosen with probability {@code switchProb} (else Mixup); {@code λ ~ Beta(α, α)} of the chosen one. Each image
 * is mixed with the image at the mirrored batch position ({@code x.flip(0)}):
 * <ul>
 *   <li>Mixup: {@code x ← λ·x + (1−λ)·x_flipped};</li>
 *   <li>CutMix: a box of sides {@code int(H·√(1−λ))}, {@code int(W·√(1−λ))} centred at a uniform pixel and
 *       clipped to the image is pasted from {@code x_flipped}; then {@code λ = 1 − box area / (H·W)}.</li>
 * </ul>
 * Targets are {@code λ·smooth(y) + (1−λ)·smooth(y_flipped)} with {@code smooth} the one-hot with
 * {@code off = s/C} and {@code on = 1 − s + s/C}; every row sums to 1. With both alphas 0 this is label
 * smoothing alone.
 *
 * @param mixupAlpha  Mixup α (0.8; 0 disables)
 * @param cutmixAlpha CutMix α (1.0; 0 disables)
 * @param prob        probability of mixing a batch at all (1.0)
 * @param switchProb  probability of CutMix when both are enabled (0.5)
 * @param smoothing   label smoothing {@code s} (0.1)
 * @param numClasses  {@code C}
 */
public record Mixup(double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double smoothing, int numClasses) {
    public Mixup {
        if (!(mixupAlpha >= 0)) throw new IllegalArgumentException("--mixup must be >= 0, got " + mixupAlpha);
        if (!(cutmixAlpha >= 0)) throw new IllegalArgumentException("--cutmix must be >= 0, got " + cutmixAlpha);
        if (!(prob >= 0 && prob <= 1)) throw new IllegalArgumentException("--mixup_prob must be in [0, 1], got " + prob);
        if (!(switchProb >= 0 && switchProb <= 1)) throw new IllegalArgumentException("--mixup_switch_prob must be in [0, 1], got " + switchProb);
        if (!(smoothing >= 0 && smoothing < 1)) throw new IllegalArgumentException("--smoothing must be in [0, 1), got " + smoothing);
        if (numClasses < 1) throw new IllegalArgumentException("need at least one class, got " + numClasses);
    }

    /** What was done to a batch: the final {@code λ} and, for CutMix, the box {@code [y0, y1) × [x0, x1)}. */
    public record Draw(double lambda, boolean cutmix, int y0, int y1, int x0, int x1) {}

    /** Whether any mixing can happen. */
    public boolean enabled() { return prob > 0 && (mixupAlpha > 0 || cutmixAlpha > 0); }

    /**
     * Mixes {@code images} ({@code [n, c, h, w]} row-major) in place and returns the soft targets
     * {@code [n, numClasses]} and the draw.
     */
    public Draw apply(float[] images, int n, int c, int h, int w, int[] labels, float[] targetsOut, Rng rng) {
        if (images.length < (long) n * c * h * w) throw new IllegalArgumentException("image buffer smaller than [" + n + "," + c + "," + h + "," + w + "]");
        if (labels.length != n || targetsOut.length != n * numClasses) throw new IllegalArgumentException("labels/targets do not match a batch of " + n);
        Draw d = draw(h, w, rng);
        if (d.lambda() < 1) {
            float[] src = images.clone();
            int img = c * h * w, plane = h * w;
            for (int i = 0; i < n; i++) {
                int a = i * img, b = (n - 1 - i) * img;
                if (d.cutmix()) {
                    for (int ch = 0; ch < c; ch++)
                        for (int y = d.y0(); y < d.y1(); y++) {
                            int row = ch * plane + y * w;
                            System.arraycopy(src, b + row + d.x0(), images, a + row + d.x0(), d.x1() - d.x0());
                        }
                } else {
                    float lam = (float) d.lambda(), rest = (float) (1 - d.lambda());
                    for (int k = 0; k < img; k++) images[a + k] = src[a + k] * lam + src[b + k] * rest;
                }
            }
        }
        targets(labels, d.lambda(), targetsOut);
        return d;
    }

    /** Draws {@code λ} (and the CutMix box) for an {@code h × w} batch, timm's order of draws. */
    public Draw draw(int h, int w, Rng rng) {
        if (!enabled() || !(rng.nextDouble() < prob)) return new Draw(1, false, 0, 0, 0, 0);
        boolean cut;
        double lam;
        if (mixupAlpha > 0 && cutmixAlpha > 0) {
            cut = rng.nextDouble() < switchProb;
            lam = beta(cut ? cutmixAlpha : mixupAlpha, rng);
        } else if (mixupAlpha > 0) {
            cut = false;
            lam = beta(mixupAlpha, rng);
        } else {
            cut = true;
            lam = beta(cutmixAlpha, rng);
        }
        if (!cut) return new Draw(lam, false, 0, 0, 0, 0);
        double ratio = Math.sqrt(1 - lam);
        int ch = (int) (h * ratio), cw = (int) (w * ratio);
        int cy = rng.nextInt(h), cx = rng.nextInt(w);
        int y0 = clip(cy - ch / 2, h), y1 = clip(cy + ch / 2, h), x0 = clip(cx - cw / 2, w), x1 = clip(cx + cw / 2, w);
        double corrected = 1 - (double) (y1 - y0) * (x1 - x0) / ((double) h * w);
        return new Draw(corrected, true, y0, y1, x0, x1);
    }

    /** {@code λ·smooth(y) + (1−λ)·smooth(y.flip(0))} into {@code out [n, C]}. */
    public void targets(int[] labels, double lambda, float[] out) {
        int n = labels.length, k = numClasses;
        double off = smoothing / k, on = 1 - smoothing + off;
        for (int i = 0; i < n; i++) {
            int y = labels[i], yf = labels[n - 1 - i];
            if (y < 0 || y >= k) throw new IllegalArgumentException("label " + y + " outside [0, " + k + ")");
            for (int j = 0; j < k; j++) {
                double a = j == y ? on : off, b = j == yf ? on : off;
                out[i * k + j] = (float) (a * lambda + b * (1 - lambda));
            }
        }
    }

    private static int clip(int v, int hi) { return Math.max(0, Math.min(hi, v)); }

    /** A draw of {@code Beta(a, a)} as {@code X/(X+Y)} with {@code X, Y ~ Gamma(a, 1)}. */
    public static double beta(double a, Rng rng) {
        double x = gamma(a, rng), y = gamma(a, rng);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    /** {@code Gamma(a, 1)} by Marsaglia–Tsang (with the {@code U^(1/a)} boost for {@code a < 1}). */
    static double gamma(double a, Rng rng) {
        if (a < 1) return gamma(a + 1, rng) * Math.pow(rng.nextDouble(), 1 / a);
        double d = a - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z, v;
            do {
                z = rng.nextGaussian();
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * z * z * z * z) return d * v;
            if (u > 0 && Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
        }
    }
}
