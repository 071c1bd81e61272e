package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint layouts (full pre-training checkpoint, {@code state_dict} wrapper, flat safetensors-style dict),
 * prefix stripping, strict and non-strict reports, optional mask token, position-table resampling and the
 * fine-tuning extraction, on the official vit_micro weights.
 */
class BackboneWeightsTest {
    static OfficialFixture fx;
    static Map<String, Tensor> state;

    @BeforeAll static void read() {
        fx = OfficialFixture.load("vit_micro");
        state = fx.group("state");
    }

    static VisionTransformer model(boolean maskToken) { return model(32, maskToken); }

    static VisionTransformer model(int imgSize, boolean maskToken) {
        return new VisionTransformer(new VitConfig(imgSize, 4, 3, 64, 2, 4, 4.0, true, 0f, 1e-6f, maskToken), new Rng(5));
    }

    static Map<String, Object> prefixed(String prefix, boolean withMask) {
        Map<String, Object> out = new LinkedHashMap<>();
        state.forEach((k, v) -> { if (withMask || !k.equals("masked_embed")) out.put(prefix + k, v); });
        out.put(prefix.replace("backbone.", "head.") + "mlp.0.weight", Tensor.zeros(7, 64));
        out.put(prefix.replace("backbone.", "head.") + "last_layer.weight_g", Tensor.zeros(7, 1));
        return out;
    }

    /** A pre-training checkpoint as the .pth reader returns it (spec 8.1). */
    static Map<String, Object> fullCheckpoint() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("student", prefixed("module.backbone.", true));
        root.put("teacher", prefixed("backbone.", false));
        root.put("optimizer", Map.of("state", Map.of(), "param_groups", List.of()));
        root.put("epoch", 3L);
        root.put("args", new Object());
        root.put("ibot_loss", Map.of("center", Tensor.zeros(1, 32)));
        return root;
    }

    static void assertLoaded(VisionTransformer m, boolean withMask) {
        var own = m.stateDict();
        for (var e : state.entrySet()) {
            if (e.getKey().equals("masked_embed") && !withMask) continue;
            assertArrayEquals(e.getValue().toArray(), own.get(e.getKey()).toArray(), e.getKey());
        }
    }

    @Test void teacherAndStudentOfAFullCheckpoint() {
        VisionTransformer t = model(false);
        BackboneWeights.Report r = BackboneWeights.load(t, fullCheckpoint(), "teacher");
        assertTrue(r.clean(), r.describe());
        assertEquals(List.of("head.mlp.0.weight", "head.last_layer.weight_g"), r.ignored(), "head keys are dropped");
        assertLoaded(t, false);
        VisionTransformer s = model(true);
        r = BackboneWeights.load(s, fullCheckpoint(), "student");
        assertTrue(r.clean(), r.describe());
        assertLoaded(s, true);
        // The teacher model's forward reproduces the official outputs.
        t.eval();
        Close.assertClose("teacher all_tokens", fx.tensor("all_tokens"), t.forward(fx.tensor("input")).allTokens(), 1e-5);
    }

    @Test void stateDictWrapperAndFlatDicts() {
        Map<String, Object> wrapped = Map.of("state_dict", prefixed("backbone.", true));
        VisionTransformer m = model(true);
        assertTrue(BackboneWeights.load(m, wrapped, "teacher").clean());  // absent key: the root is used, as the reference does
        assertLoaded(m, true);
        VisionTransformer f = model(true);
        assertTrue(BackboneWeights.load(f, state, null).clean());
        assertLoaded(f, true);
    }

    @Test void maskTokenIsOptionalBothWays() {
        VisionTransformer withToken = model(true);
        BackboneWeights.Report r = BackboneWeights.load(withToken, fullCheckpoint(), "teacher");
        assertTrue(r.clean(), r.describe());
        for (float v : withToken.maskedEmbed().tensor().toArray()) assertEquals(0f, v);
        VisionTransformer without = model(false);
        r = BackboneWeights.load(without, fullCheckpoint(), "student");
        assertTrue(r.clean(), r.describe());
        assertTrue(r.ignored().contains("masked_embed"), r.ignored().toString());
    }

    @Test void strictLoadListsEveryProblemAndCopiesNothing() {
        Map<String, Object> bad = new LinkedHashMap<>(state);
        bad.remove("blocks.1.mlp.fc2.bias");
        bad.put("blocks.0.attn.qkv.weight", Tensor.zeros(191, 64));
        bad.put("blocks.2.norm1.weight", Tensor.zeros(64));
        VisionTransformer m = model(false);
        float before = m.norm().weight().tensor().get(0);
        var e = assertThrows(IllegalArgumentException.class, () -> BackboneWeights.load(m, bad, null));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing keys (1): blocks.1.mlp.fc2.bias"), msg);
        assertTrue(msg.contains("unexpected keys (1): blocks.2.norm1.weight"), msg);
        assertTrue(msg.contains("blocks.0.attn.qkv.weight (checkpoint [191, 64], model [192, 64])"), msg);
        assertEquals(before, m.norm().weight().tensor().get(0), "nothing copied");

        BackboneWeights.Report r = BackboneWeights.load(m, bad, null, false);
        assertFalse(r.clean());
        assertEquals(List.of("blocks.1.mlp.fc2.bias"), r.missing());
        assertEquals(List.of("blocks.2.norm1.weight"), r.unexpected());
        assertEquals(1, r.misShaped().size());
        assertArrayEquals(state.get("norm.weight").toArray(), m.norm().weight().tensor().toArray(), "the matching keys are loaded");
    }

    @Test void positionTableIsResampledToTheModelGrid() {
        // The official 16-px local-crop table is the 8x8 table resampled to 4x4 with the +0.1 scale.
        VisionTransformer m = model(16, true);
        BackboneWeights.Report r = BackboneWeights.load(m, state, null);
        assertTrue(r.clean(), r.describe());
        assertTrue(r.posEmbedResized());
        Close.assertClose("pos_embed loaded at 16 px", fx.tensor("local_pos_embed"), m.posEmbed().tensor(), 1e-5);
        m.eval();
        Close.assertClose("local_all_tokens, 16-px model", fx.tensor("local_all_tokens"), m.forward(fx.tensor("local_input")).allTokens(), 1e-5);
    }

    @Test void noBackboneTensorsIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> BackboneWeights.load(model(false), fullCheckpoint(), null));
        assertTrue(e.getMessage().contains("no backbone tensors") && e.getMessage().contains("student"), e.getMessage());
        var k = assertThrows(IllegalArgumentException.class, () -> BackboneWeights.load(model(false), Map.of("epoch", 1L), "teacher"));
        assertTrue(k.getMessage().contains("no 'teacher' entry"), k.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackboneWeights.load(model(false), List.of(), null));
    }

    @Test void extractStripsBackbonePrefixesAndKeepsOrder() {
        LinkedHashMap<String, Tensor> s = BackboneWeights.extract(fullCheckpoint(), "student");
        assertEquals(List.copyOf(state.keySet()), List.copyOf(s.keySet()));
        LinkedHashMap<String, Tensor> t = BackboneWeights.extract(fullCheckpoint(), "teacher");
        assertFalse(t.containsKey("masked_embed"));
        assertEquals(state.size() - 1, t.size());
        assertArrayEquals(state.get("pos_embed").toArray(), t.get("pos_embed").toArray());
        var none = assertThrows(IllegalArgumentException.class, () -> BackboneWeights.extract(Map.of("student", Map.of("head.x", Tensor.zeros(1))), "student"));
        assertTrue(none.getMessage().contains("no 'backbone.' or 'module.backbone.' keys"), none.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> BackboneWeights.extract(Map.of("epoch", 1L), "teacher"));
        assertTrue(missing.getMessage().contains("no 'teacher' entry"), missing.getMessage());
        // An extracted dict loads strictly into a fresh model.
        assertTrue(BackboneWeights.load(model(true), s, null).clean());
    }
}
