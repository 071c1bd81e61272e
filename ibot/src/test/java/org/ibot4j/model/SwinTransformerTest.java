package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Swin shapes, counts, key names (spec 4.2, 8.3) and the window plumbing test vectors (spec 13). */
class SwinTransformerTest {
    private static SwinTransformer tiny(int window) {
        return (SwinTransformer) Backbones.forLoading(BackboneSpec.of("swin_tiny", 4).withWindowSize(window));
    }

    @Test void swinTinyParameterCountsMatchTheSpec() {
        assertEquals(27_519_354L, tiny(7).parameterCount());
        assertEquals(27_569_754L, tiny(14).parameterCount());
        assertEquals(27_519_354L, SwinArch.SWIN_TINY.config().parameterCount());
        assertEquals(27_569_754L, SwinArch.SWIN_TINY.config().withWindowSize(14).parameterCount());
        SwinConfig mini = SwinArch.config("swin_mini", 2, 4, null, null, null).withImgSize(32).withMaskToken(true);
        assertEquals(mini.parameterCount(), new SwinTransformer(mini, new Rng(1)).parameterCount());
    }

    @Test void swinTinyKeysAndShapesFollowSpec83() {
        LinkedHashMap<String, Tensor> sd = tiny(7).stateDict();
        Map<String, int[]> expect = new LinkedHashMap<>();
        expect.put("patch_embed.proj.weight", new int[] {96, 3, 4, 4});
        expect.put("patch_embed.norm.bias", new int[] {96});
        expect.put("layers.0.blocks.1.attn.relative_position_bias_table", new int[] {169, 3});
        expect.put("layers.0.blocks.1.attn.relative_position_index", new int[] {49, 49});
        expect.put("layers.2.blocks.5.attn.qkv.weight", new int[] {1152, 384});
        expect.put("layers.2.blocks.5.attn.proj.bias", new int[] {384});
        expect.put("layers.3.blocks.1.mlp.fc1.weight", new int[] {3072, 768});
        expect.put("layers.3.blocks.1.mlp.fc2.weight", new int[] {768, 3072});
        expect.put("layers.1.downsample.norm.weight", new int[] {768});
        expect.put("layers.2.downsample.reduction.weight", new int[] {768, 1536});
        expect.put("norm.weight", new int[] {768});
        expect.forEach((k, v) -> { assertTrue(sd.containsKey(k), k); assertArrayEquals(v, sd.get(k).dims(), k); });
        assertFalse(sd.containsKey("layers.3.downsample.norm.weight"));
        assertFalse(sd.containsKey("masked_embed"));
        assertFalse(tiny(7).namedParameters().containsKey("layers.0.blocks.0.attn.relative_position_index"), "the index is a buffer");
        // 12 blocks × 14 tensors + 3 merges × 3 + patch embed 4 + norm 2
        assertEquals(12 * 14 + 9 + 4 + 2, sd.size());
        LinkedHashMap<String, Tensor> sd14 = tiny(14).stateDict();
        assertArrayEquals(new int[] {729, 6}, sd14.get("layers.1.blocks.0.attn.relative_position_bias_table").dims());
        assertArrayEquals(new int[] {169, 24}, sd14.get("layers.3.blocks.0.attn.relative_position_bias_table").dims());
    }

    @Test void windowsAndShiftsFollowTheGlobalResolution() {
        SwinConfig c7 = SwinArch.SWIN_TINY.config(), c14 = c7.withWindowSize(14);
        assertEquals(List.of(7, 7, 7, 7), List.of(c7.stageWindow(0), c7.stageWindow(1), c7.stageWindow(2), c7.stageWindow(3)));
        assertEquals(List.of(3, 3, 3, 0), List.of(c7.blockShift(0, 1), c7.blockShift(1, 1), c7.blockShift(2, 5), c7.blockShift(3, 1)));
        assertEquals(List.of(14, 14, 14, 7), List.of(c14.stageWindow(0), c14.stageWindow(1), c14.stageWindow(2), c14.stageWindow(3)));
        assertEquals(List.of(7, 7, 0, 0), List.of(c14.blockShift(0, 1), c14.blockShift(1, 1), c14.blockShift(2, 1), c14.blockShift(3, 1)));
        assertEquals(0, c7.blockShift(2, 4));
        assertEquals(32, c7.tokenStride());
        assertEquals(0.1f, SwinArch.SWIN_TINY.defaultDropPath());
        assertEquals(0.1f, c7.withDropPathRate(0.1f).dropPathAt(11), 1e-7);
        assertEquals(0.1f / 11, c7.withDropPathRate(0.1f).dropPathAt(1), 1e-7);
    }

    @Test void relativePositionIndexMatchesSpec13() {
        assertArrayEquals(new int[] {4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4}, SwinWindows.relativePositionIndex(2));
        int[] w7 = SwinWindows.relativePositionIndex(7);
        assertEquals(84, w7[0]);           // (0-0+6)*13 + (0-0+6)
        assertEquals(0, w7[48]);           // a=(0,0), b=(6,6)
        assertEquals(168, w7[48 * 49]);    // a=(6,6), b=(0,0)
    }

    @Test void shiftMaskRegionsAndValues() {
        // 8×8 map, window 4, shift 2: row/column regions [0,4), [4,6), [6,8)
        int[] labels = SwinWindows.regionLabels(8, 8, 4, 2);
        assertEquals(0, labels[0]);
        assertEquals(1, labels[4]);
        assertEquals(2, labels[7]);
        assertEquals(3, labels[4 * 8]);
        assertEquals(8, labels[63]);
        assertEquals(4, labels[5 * 8 + 5]);
        Tensor m = SwinWindows.shiftMask(8, 8, 4, 2);
        assertArrayEquals(new int[] {4, 16, 16}, m.dims());
        for (float v : m.select(0, 0).toArray()) assertEquals(0f, v);          // window 0 lies in one region
        assertEquals(-100f, m.get(3, 0, 15));                                 // last window: labels 4 vs 8
        assertEquals(0f, m.get(3, 0, 5));                                     // (0,0) and (1,1): both region 4
        assertEquals(-100f, m.get(1, 0, 2));                                  // window (0,1): columns 4,5 vs 6,7
    }

    @Test void rollPadAndPartitionRoundTrip() {
        Tensor x = Tensor.arange(2 * 4 * 4 * 3).reshape(2, 4, 4, 3);
        Tensor r = SwinWindows.roll(x, -1, 1);
        assertEquals(x.get(0, 1, 0, 0), r.get(0, 0, 0, 0));
        assertEquals(x.get(0, 0, 0, 0), r.get(0, 3, 0, 0));
        assertArrayEquals(x.toArray(), SwinWindows.roll(r, 1, 1).toArray());
        Tensor w = SwinWindows.partition(x, 2);
        assertArrayEquals(new int[] {8, 4, 3}, w.dims());
        assertEquals(x.get(0, 0, 2, 0), w.get(1, 0, 0));        // window (0,1) starts at column 2
        assertEquals(x.get(0, 1, 3, 0), w.get(1, 3, 0));
        assertArrayEquals(x.toArray(), SwinWindows.reverse(w, 2, 4, 4).toArray());
        Tensor p = SwinWindows.padBottomRight(x, 6, 5);
        assertArrayEquals(new int[] {2, 6, 5, 3}, p.dims());
        assertEquals(0f, p.get(1, 5, 4, 2));
        assertEquals(x.get(1, 3, 3, 2), p.get(1, 3, 3, 2));
    }

    @Test void maskGridIsRepeatedToThePatchGrid() {
        SwinConfig c = SwinArch.config("swin_mini", 2, 4, null, null, null).withImgSize(32).withMaskToken(true);
        SwinTransformer m = new SwinTransformer(c, new Rng(3));
        assertEquals(4, m.tokenStride());
        Tensor mask = Tensor.zeros(1, 8, 8);
        mask.set(1f, 0, 1, 2);
        float[] pm = m.patchMask(mask, 1, 16, 16).toArray();
        int on = 0;
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) {
            boolean expect = y / 2 == 1 && x / 2 == 2;
            assertEquals(expect ? 1f : 0f, pm[y * 16 + x]);
            if (expect) on++;
        }
        assertEquals(4, on);
        assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 3, 32, 32), Tensor.zeros(1, 16, 16)));
    }

    @Test void outputsOfGlobalAndLocalCrops() {
        SwinConfig c = SwinArch.config("swin_mini", 2, 4, null, null, null).withImgSize(32);
        SwinTransformer m = new SwinTransformer(c, new Rng(5));
        m.eval();
        Rng r = new Rng(9);
        Backbone.Output g = m.forward(Tensor.randn(r, 2, 3, 32, 32), null, true);
        assertArrayEquals(new int[] {2, 65, 64}, g.allTokens().dims());
        assertArrayEquals(new int[] {2, 64}, g.cls().dims());
        assertArrayEquals(new int[] {2 * 4, 4, 16, 16}, g.attention().dims());   // 8×8 grid, window 4: 4 windows
        float[] all = g.allTokens().toArray();
        for (int d = 0; d < 64; d++) {   // row 0 is the mean of the others
            double s = 0;
            for (int t = 1; t < 65; t++) s += all[t * 64 + d];
            assertEquals(s / 64, all[d], 1e-5);
        }
        Backbone.Output l = m.forward(Tensor.randn(r, 2, 3, 16, 16));
        assertArrayEquals(new int[] {2, 17, 64}, l.allTokens().dims());
        assertNull(l.attention());
        List<Tensor> inter = m.intermediateLayers(Tensor.randn(r, 1, 3, 32, 32), 3);
        assertEquals(3, inter.size());
        assertArrayEquals(new int[] {1, 1 + 256, 32}, inter.get(0).dims());   // last block of stage 0: raw
        assertArrayEquals(new int[] {1, 65, 64}, inter.get(2).dims());
        assertEquals(Shape.of(8, 4, 16, 16), m.lastSelfAttention(Tensor.randn(r, 2, 3, 32, 32)).shape());
    }

    @Test void swinTinyLinearProbeFeaturesAre2304Wide() {
        // spec 13: the CLS rows of Swin-T's last 4 blocks (stage 2 blocks 4-5, stage 3 blocks 0-1); stages 0-2 are
        // cut to the blocks that matter here to keep the test fast (the widths depend only on C and the stage)
        SwinConfig c = SwinArch.SWIN_TINY.config().withShape(96, List.of(1, 1, 2, 2), List.of(3, 6, 12, 24));
        SwinTransformer t = SwinTransformer.forLoading(c);
        t.eval();
        List<Tensor> last4 = t.intermediateLayers(Tensor.randn(new Rng(2), 1, 3, 32, 32), 4);
        int width = 0;
        for (Tensor l : last4) width += l.dim(2);
        assertEquals(2304, width);
        assertEquals(List.of(384, 384, 768, 768), last4.stream().map(l -> l.dim(2)).toList());
    }

    @Test void fitToCheckpointReadsWindowAndPatch() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        tiny(14).stateDict().forEach((k, v) -> shapes.put(k, v.shape()));
        BackboneSpec fitted = Backbones.fitToCheckpoint(BackboneSpec.of("swin_tiny", 16), shapes);
        assertEquals(14, fitted.windowSize());
        assertEquals(4, fitted.patchSize());
        assertTrue(Backbones.names().contains("swin_tiny"));
        assertEquals(0.1f, Backbones.studentDropPath("swin_tiny", 0.3));
        assertEquals(0.3f, Backbones.studentDropPath("vit_small", 0.3), 1e-7);
    }
}
