package org.ibot4j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dynamic loss scaling for fp16 GEMMs, as {@code torch.cuda.amp.GradScaler} with its defaults (spec 7.4 step 8):
 * the loss is multiplied by the scale before backward and the gradients divided by it after; a step whose unscaled
 * gradients hold an inf or NaN is skipped and halves the scale, and 2000 good steps in a row double it. Starts at
 * 65536. Its state is the checkpoint's {@code fp16_scaler} entry, with GradScaler's key names.
 */
public final class LossScaler {
    private double scale = 65536.0;
    private final double growthFactor = 2.0, backoffFactor = 0.5;
    private final int growthInterval = 2000;
    private int growthTracker;

    /** The current scale. */
    public double scale() { return scale; }

    /** 1/scale rounded to float, the factor GradScaler unscales gradients with. */
    public float inverse() { return (float) (1.0 / scale); }

    /** After a step: back off on an inf/NaN gradient, else count and grow every {@code growth_interval} good steps. */
    public void update(boolean foundInf) {
        if (foundInf) {
            scale *= backoffFactor;
            growthTracker = 0;
        } else if (++growthTracker == growthInterval) {
            scale *= growthFactor;
            growthTracker = 0;
        }
    }

    /** GradScaler.state_dict(): scale, growth_factor, backoff_factor, growth_interval, _growth_tracker. */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", scale);
        m.put("growth_factor", growthFactor);
        m.put("backoff_factor", backoffFactor);
        m.put("growth_interval", (long) growthInterval);
        m.put("_growth_tracker", (long) growthTracker);
        return m;
    }

    /** Restores the scale and the growth counter from a {@link #stateDict()} (other keys must hold the defaults). */
    public void load(Map<?, ?> state) {
        if (state.get("scale") instanceof Number s && s.doubleValue() > 0 && Double.isFinite(s.doubleValue())) scale = s.doubleValue();
        else throw new IllegalArgumentException("fp16_scaler has no positive finite 'scale': " + state);
        if (state.get("_growth_tracker") instanceof Number t) growthTracker = t.intValue();
    }
}
