package org.ibot4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The step's guard rails: a non-finite loss stops before any update; last_layer is frozen for freeze_last_layer epochs. */
class StepRulesTest {
    private static Map<String, float[]> snapshot(MultiCropWrapper n) {
        Map<String, float[]> out = new LinkedHashMap<>();
        n.stateDict().forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    @Test
    void nonFiniteLossStopsBeforeAnyUpdateAndNamesTheStep() {
        TinyStep s = TinyStep.on(org.ibot4j.runtime.tensor.Device.CPU, 1);
        Tensor[] in = TinyStep.inputs(new Rng(5));
        in[0].array()[17] = Float.NaN;
        Map<String, float[]> before = snapshot(s.student()), tBefore = snapshot(s.teacher());
        var e = assertThrows(TrainStep.NonFiniteLossException.class, () -> s.step().run(in[0], in[1], in[2], 3, 5, 1e-3, 0.04, 0.996));
        assertTrue(e.getMessage().contains("epoch 3, step 5"), e.getMessage());
        snapshot(s.student()).forEach((k, v) -> assertArrayEquals(before.get(k), v, "student " + k + " changed"));
        snapshot(s.teacher()).forEach((k, v) -> assertArrayEquals(tBefore.get(k), v, "teacher " + k + " changed"));
    }

    @Test
    void lastLayerIsFrozenDuringTheFirstEpochsOnly() {
        TinyStep s = TinyStep.on(org.ibot4j.runtime.tensor.Device.CPU, 1);
        Tensor[] in = TinyStep.inputs(new Rng(6));
        Map<String, float[]> before = snapshot(s.student());
        s.step().run(in[0], in[1], in[2], 0, 0, 1e-3, 0.04, 0.996);
        Map<String, float[]> after = snapshot(s.student());
        assertArrayEquals(before.get("head.last_layer.weight_v"), after.get("head.last_layer.weight_v"));
        assertArrayEquals(before.get("head.last_layer.weight_g"), after.get("head.last_layer.weight_g"));
        assertFalse(Arrays.equals(before.get("head.mlp.0.weight"), after.get("head.mlp.0.weight")));
        s.step().run(in[0], in[1], in[2], 1, 0, 1e-3, 0.04, 0.996);
        assertFalse(Arrays.equals(after.get("head.last_layer.weight_v"), snapshot(s.student()).get("head.last_layer.weight_v")));
    }
}
