package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;

/** Presets, overrides, the drop-path schedule and parameter counts against spec 4.1's table. */
class VitConfigTest {
    @Test void presetCountsMatchTheSpecTable() {
        assertEquals(5_524_416L, VitArch.of("vit_tiny").config().parameterCount());
        assertEquals(21_665_664L, VitArch.of("vit_small").config().parameterCount());
        assertEquals(85_798_656L, VitArch.of("vit_base").config().parameterCount());
        assertEquals(303_301_632L, VitArch.of("vit_large").config().parameterCount());
        assertEquals(21_665_664L + 384, VitArch.of("vit_small").config().withMaskToken(true).parameterCount());
    }

    @Test void builtModelsHaveTheCountedParameters() {
        // tiny and small are built (22 M floats at most); base/large are held to the same formula above.
        assertEquals(5_524_416L, new VisionTransformer(VitArch.VIT_TINY.config(), new Rng(0)).parameterCount());
        assertEquals(21_665_664L, new VisionTransformer(VitArch.VIT_SMALL.config(), new Rng(0)).parameterCount());
        for (VitConfig c : new VitConfig[] {
                new VitConfig(32, 4, 3, 64, 2, 4, 4.0, true, 0f, 1e-6f, true),
                new VitConfig(40, 8, 1, 48, 3, 3, 2.5, false, 0.2f, 1e-5f, false),
                new VitConfig(96, 16, 3, 96, 1, 2, 4.0, true, 0f, 1e-6f, true)})
            assertEquals(c.parameterCount(), new VisionTransformer(c, new Rng(3)).parameterCount(), c.toString());
    }

    @Test void archNamesAliasesAndOverrides() {
        assertEquals(VitArch.VIT_TINY, VitArch.of("deit_tiny"));
        assertEquals(VitArch.VIT_SMALL, VitArch.of("DeiT_Small"));
        VitConfig c = VitArch.config("vit_base", 8, null, 6, null);
        assertEquals(768, c.embedDim());
        assertEquals(6, c.depth());
        assertEquals(12, c.numHeads());
        assertEquals(8, c.patchSize());
        assertEquals(28, c.gridSize());
        VitConfig o = VitArch.config("vit_small", 16, 512, 4, 8);
        assertEquals(512, o.embedDim());
        assertEquals(4, o.depth());
        assertEquals(8, o.numHeads());
        var e = assertThrows(IllegalArgumentException.class, () -> VitArch.of("vit_huge"));
        assertTrue(e.getMessage().contains("vit_huge") && e.getMessage().contains("vit_small") && e.getMessage().contains("deit_tiny"), e.getMessage());
        var h = assertThrows(IllegalArgumentException.class, () -> VitArch.config("vit_small", 16, 100, null, null));
        assertTrue(h.getMessage().contains("not divisible"), h.getMessage());
    }

    @Test void dropPathScheduleIsLinearFromZero() {
        VitConfig c = VitArch.VIT_SMALL.config().withDropPathRate(0.1f);
        assertEquals(0f, c.dropPathAt(0));
        assertEquals(0.1f, c.dropPathAt(11), 1e-7);
        assertEquals(0.1 * 5 / 11, c.dropPathAt(5), 1e-7);
        assertEquals(0f, new VitConfig(32, 4, 3, 16, 1, 2, 4, true, 0.3f, 1e-6f, false).dropPathAt(0));
        VisionTransformer m = new VisionTransformer(new VitConfig(32, 4, 3, 16, 3, 2, 4, true, 0.2f, 1e-6f, false), new Rng(0));
        assertEquals(0f, m.blocks().get(0).dropPath().p());
        assertEquals(0.1f, m.blocks().get(1).dropPath().p(), 1e-7);
        assertEquals(0.2f, m.blocks().get(2).dropPath().p(), 1e-7);
    }
}
