package org.ibot4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GradScaler semantics (spec 7.4 steps 5–8) and the fp16_scaler checkpoint entry. */
class LossScalerTest {
    @Test void backsOffOnInfAndGrowsAfter2000GoodSteps() {
        LossScaler s = new LossScaler();
        assertEquals(65536.0, s.scale());
        s.update(true);
        assertEquals(32768.0, s.scale());
        for (int i = 0; i < 1999; i++) s.update(false);
        assertEquals(32768.0, s.scale());
        s.update(false);
        assertEquals(65536.0, s.scale());
        assertEquals(1999L + 1 - 2000, (long) s.stateDict().get("_growth_tracker"));
        s.update(false);
        s.update(true);  // a bad step resets the counter
        assertEquals(0L, s.stateDict().get("_growth_tracker"));
        assertEquals(java.util.List.of("scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker"),
                java.util.List.copyOf(s.stateDict().keySet()));
    }

    @Test void loadRestoresScaleAndCounterAndRejectsGarbage() {
        LossScaler a = new LossScaler();
        a.update(true);
        a.update(false);
        LossScaler b = new LossScaler();
        b.load(a.stateDict());
        assertEquals(a.stateDict(), b.stateDict());
        assertThrows(IllegalArgumentException.class, () -> b.load(Map.of("scale", -1.0)));
    }

    private static TinyStep setup(LossScaler scaler) {
        TinyStep t = TinyStep.on(org.ibot4j.runtime.tensor.Device.CPU, 0);
        t.step().withLossScaler(scaler);
        return t;
    }

    private static Map<String, float[]> values(MultiCropWrapper n) {
        Map<String, float[]> out = new LinkedHashMap<>();
        n.stateDict().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    /** Scaling by a power of two and back is exact in float32: the scaled step equals the plain one bit for bit. */
    @Test void scaledStepEqualsThePlainStep() {
        TinyStep plain = setup(null), scaled = setup(new LossScaler());
        for (int it = 0; it < 2; it++) {
            Tensor[] in = TinyStep.inputs(new Rng(20 + it));
            TrainStep.Result a = plain.step().run(in[0], in[1], in[2], 1, it, 1e-3, 0.04, 0.996);
            TrainStep.Result b = scaled.step().run(in[0], in[1], in[2], 1, it, 1e-3, 0.04, 0.996);
            assertEquals(a.loss(), b.loss());
            assertEquals(a.gradNormsBeforeClip(), b.gradNormsBeforeClip());
        }
        Map<String, float[]> x = values(plain.student()), y = values(scaled.student());
        x.forEach((k, v) -> assertArrayEquals(v, y.get(k), k));
    }

    /** An overflowing scale gives inf gradients: the optimiser step is skipped and the scale halves. */
    @Test void infGradientSkipsTheOptimiserStepAndBacksOff() {
        LossScaler scaler = new LossScaler();
        scaler.load(Map.of("scale", 1e38, "_growth_tracker", 5L));
        TinyStep s = setup(scaler);
        Map<String, float[]> before = values(s.student());
        Tensor[] in = TinyStep.inputs(new Rng(3));
        s.step().run(in[0], in[1], in[2], 1, 0, 1e-3, 0.04, 0.5);
        values(s.student()).forEach((k, v) -> assertArrayEquals(before.get(k), v, "student " + k + " was updated"));
        assertEquals(5e37, scaler.scale(), 1e30);
        assertEquals(0L, scaler.stateDict().get("_growth_tracker"));
    }

    @Test void checkpointCarriesTheScaler(@TempDir Path dir) throws Exception {
        LossScaler scaler = new LossScaler();
        scaler.update(true);
        TinyStep s = setup(scaler);
        var c = new Checkpoints.Contents(s.student(), s.teacher(), TrainStep.adamW(s.student()), s.loss().center(),
                s.loss().center2(), 3, Map.of(), scaler);
        Checkpoints.save(dir.resolve("c.pth"), c);
        LossScaler back = new LossScaler();
        TinyStep t = setup(back);
        int epoch = Checkpoints.restore(dir.resolve("c.pth"), new Checkpoints.Contents(t.student(), t.teacher(),
                TrainStep.adamW(t.student()), t.loss().center(), t.loss().center2(), 0, Map.of(), back));
        assertEquals(3, epoch);
        assertEquals(32768.0, back.scale());
        assertTrue(back.stateDict().equals(scaler.stateDict()));
    }
}
