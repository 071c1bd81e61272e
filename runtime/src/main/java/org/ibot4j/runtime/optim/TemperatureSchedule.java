package org.ibot4j.runtime.optim;

import java.util.Arrays;

/**
 * Per-epoch teacher temperature (spec 6.2): hold {@code warmupTemp} for {@code holdEpochs} epochs (the patch
 * temperature's {@code pred_start_epoch}; 0 for the CLS temperature), then {@code linspace(warmupTemp, temp,
 * warmupEpochs)}, then {@code temp} until {@code epochs} values in all.
 */
public final class TemperatureSchedule {
    private TemperatureSchedule() {}

    public static double[] teacher(double warmupTemp, double temp, int warmupEpochs, int epochs) {
        return teacher(warmupTemp, temp, warmupEpochs, epochs, 0);
    }

    public static double[] teacher(double warmupTemp, double temp, int warmupEpochs, int epochs, int holdEpochs) {
        if (warmupEpochs < 0 || holdEpochs < 0 || epochs < 0)
            throw new IllegalArgumentException("epoch counts must be >= 0");
        if (holdEpochs + warmupEpochs > epochs)
            throw new IllegalArgumentException("hold (" + holdEpochs + ") + warm-up (" + warmupEpochs + ") epochs exceed the run (" + epochs + " epochs)");
        double[] out = new double[epochs];
        Arrays.fill(out, 0, holdEpochs, warmupTemp);
        double[] ramp = Linspace.linspace(warmupTemp, temp, warmupEpochs);
        System.arraycopy(ramp, 0, out, holdEpochs, ramp.length);
        Arrays.fill(out, holdEpochs + warmupEpochs, epochs, temp);
        return out;
    }
}
