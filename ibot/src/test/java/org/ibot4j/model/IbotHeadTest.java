package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibot4j.runtime.nn.Linear;
import org.ibot4j.runtime.nn.Sequential;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Structure, init and shapes of the iBOT head (spec 5.1) beyond the official fixture. */
class IbotHeadTest {
    @Test void defaultsAreTheReferenceOnes() {
        HeadConfig c = HeadConfig.of(384, 8192, true, true);
        assertEquals(3, c.nlayers());
        assertEquals(2048, c.hiddenDim());
        assertEquals(256, c.bottleneckDim());
        assertEquals("gelu", c.act());
        assertEquals(8192, c.effectivePatchDim());
    }

    @Test void parameterCountOfTheViTSmallHeadIsTheSpecsOne() {
        // spec 5.1: K=8192, shared, ViT-S input: 7,614,720 incl. g; a separate patch layer adds 2,105,344
        HeadConfig c = new HeadConfig(384, 8192, 8192, 3, 2048, 256, "gelu", null, true, true);
        IbotHead shared = new IbotHead(c.withMlp(3, 2048, 256), new Rng(1));
        assertEquals(7_614_720L, shared.parameterCount());
        IbotHead sep = new IbotHead(c.withSharedHead(false), new Rng(1));
        assertEquals(7_614_720L + 2_105_344L, sep.parameterCount());
    }

    @Test void initIsTruncNormalMlpAndUnitGains() {
        IbotHead h = new IbotHead(new HeadConfig(32, 40, 24, 3, 64, 16, "gelu", null, false, false), new Rng(7));
        Sequential mlp = (Sequential) h.mlp();
        double sq = 0;
        int n = 0;
        for (int i : new int[] {0, 2, 4}) {
            Linear l = (Linear) mlp.get(i);
            for (float v : l.weight().tensor().toArray()) { sq += v * v; n++; assertTrue(Math.abs(v) <= 2f); }
            for (float b : l.bias().tensor().toArray()) assertEquals(0f, b);
        }
        assertEquals(0.02, Math.sqrt(sq / n), 0.002, "MLP weight std");
        for (var l : List.of(h.lastLayer(), h.lastLayer2())) {
            for (float g : l.weightG().tensor().toArray()) assertEquals(1f, g);
            assertTrue(l.weightG().trainable(), "g trains when norm_last_layer is false");
            double bound = 1 / Math.sqrt(16);
            for (float v : l.weightV().tensor().toArray()) assertTrue(Math.abs(v) <= bound);
        }
        IbotHead frozen = new IbotHead(new HeadConfig(32, 40, 24, 3, 64, 16, "gelu", null, true, false), new Rng(7));
        assertFalse(frozen.lastLayer().weightG().trainable());
        assertFalse(frozen.lastLayer2().weightG().trainable());
    }

    @Test void sharedHeadRegistersOneModuleUnderBothNames() {
        IbotHead h = new IbotHead(new HeadConfig(16, 12, 99, 2, 20, 8, "relu", null, true, true), new Rng(2));
        assertSame(h.lastLayer(), h.lastLayer2());
        assertSame(h.stateDict().get("last_layer.weight_v"), h.stateDict().get("last_layer2.weight_v"));
        assertFalse(h.namedParameters().containsKey("last_layer2.weight_v"));
        IbotHead.Output o = h.forward(Tensor.randn(new Rng(1), 3, 5, 16));
        assertArrayEquals(new int[] {3, 12}, o.cls().dims());
        assertArrayEquals(new int[] {3, 4, 12}, o.patch().dims());
    }

    @Test void oneLayerMlpIsNamedMlpAndLogitsAreCosinesWhenNormalised() {
        IbotHead h = new IbotHead(new HeadConfig(16, 10, 6, 1, 20, 8, "gelu", "ln", true, false), new Rng(2));
        assertTrue(h.stateDict().containsKey("mlp.weight"));
        IbotHead.Output o = h.forward(Tensor.randn(new Rng(4), 2, 3, 16));
        assertArrayEquals(new int[] {2, 2, 6}, o.patch().dims());
        for (float v : o.cls().toArray()) assertTrue(Math.abs(v) <= 1.0001f, "cosine logit " + v);
    }

    @Test void layerNormShiftsLinearIndicesLikeTheReference() {
        IbotHead h = new IbotHead(new HeadConfig(16, 10, 6, 3, 20, 8, "gelu", "ln", true, false), new Rng(2));
        assertTrue(h.stateDict().containsKey("mlp.3.weight"));
        assertTrue(h.stateDict().containsKey("mlp.6.bias"));
        assertTrue(h.stateDict().containsKey("mlp.1.weight"), "LayerNorm weight");
    }

    @Test void badInputIsRejectedByName() {
        IbotHead h = new IbotHead(new HeadConfig(16, 10, 6, 2, 20, 8, "gelu", null, true, false), new Rng(2));
        var e = assertThrows(IllegalArgumentException.class, () -> h.forward(Tensor.zeros(2, 3, 15)));
        assertTrue(e.getMessage().contains("width 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeadConfig(16, 10, 6, 2, 20, 8, "tanh", null, true, false));
        assertThrows(IllegalArgumentException.class, () -> new HeadConfig(16, 10, 6, 2, 20, 8, "gelu", "bn", true, false));
    }
}
