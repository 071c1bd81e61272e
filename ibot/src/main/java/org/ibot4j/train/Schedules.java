package org.ibot4j.train;

import org.ibot4j.runtime.optim.CosineSchedule;

/**
 * The per-iteration schedules of a run (spec 7.2), indexed by {@code it = epoch·itersPerEpoch + step}:
 * learning rate (linear warm-up from 0 to {@code lr·B/256}, cosine to {@code min_lr}), weight decay of the
 * decayed group (cosine {@code weight_decay → weight_decay_end}) and teacher EMA momentum (cosine
 * {@code momentum_teacher → 1}).
 */
public record Schedules(double[] lr, double[] wd, double[] momentum, int itersPerEpoch) {
    public static Schedules of(TrainConfig c, int itersPerEpoch) {
        if (itersPerEpoch <= 0) throw new IllegalArgumentException("an epoch needs at least one iteration (dataset smaller than the batch?)");
        return new Schedules(
                CosineSchedule.cosine(c.scaledLr(), c.minLr(), c.epochs(), itersPerEpoch, c.warmupEpochs(), 0.0),
                CosineSchedule.cosine(c.weightDecay(), c.weightDecayEnd(), c.epochs(), itersPerEpoch),
                CosineSchedule.cosine(c.momentumTeacher(), 1.0, c.epochs(), itersPerEpoch),
                itersPerEpoch);
    }

    /** Global iteration index of {@code step} in {@code epoch}. */
    public int it(int epoch, int step) { return epoch * itersPerEpoch + step; }
}
