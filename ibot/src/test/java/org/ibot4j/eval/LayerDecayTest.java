package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.model.BackboneSpec;
import org.ibot4j.model.Backbones;
import org.ibot4j.runtime.optim.ParamGroup;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Layer-wise decay (spec 9.4) on the real ViT-S/16 and Swin-T parameter names plus a 10-class head: LR
 * multipliers {@code 0.75^(13−id)}, the weight-decay exclusions and the group layout.
 */
class LayerDecayTest {
    private static final double LD = 0.75;

    /** lr multiplier and weight decay of every parameter, by reference name. */
    private static Map<String, double[]> settings(Classifier model, double baseLr) {
        Map<String, double[]> out = new HashMap<>();
        for (LayerDecay.Group g : LayerDecay.groups(model.referenceParameters(), LD, 0.05, baseLr))
            for (ParamGroup.Entry e : g.params().params()) out.put(e.name(), new double[] {g.params().lr() / baseLr, g.params().weightDecay(), g.layerId()});
        return out;
    }

    @Test void vitSmallMultipliersMatchTheSpec() {
        Classifier model = new Classifier(Backbones.forLoading(BackboneSpec.of("vit_small", 16)), 10, new Rng(0));
        Map<String, double[]> s = settings(model, 1.0);
        assertEquals(model.referenceParameters().size(), s.size(), "every parameter is in exactly one group");
        for (String k : List.of("cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias"))
            assertEquals(Math.pow(LD, 13), s.get(k)[0], 1e-15, k);
        for (String k : List.of("blocks.0.norm1.weight", "blocks.0.attn.qkv.weight", "blocks.0.mlp.fc2.bias"))
            assertEquals(Math.pow(LD, 12), s.get(k)[0], 1e-15, k);
        for (String k : List.of("blocks.11.attn.proj.weight", "blocks.11.norm2.bias"))
            assertEquals(Math.pow(LD, 1), s.get(k)[0], 1e-15, k);
        assertEquals(Math.pow(LD, 7), s.get("blocks.5.mlp.fc1.weight")[0], 1e-15);
        for (String k : List.of("norm.weight", "norm.bias", "head.weight", "head.bias")) assertEquals(1.0, s.get(k)[0], 0, k);
        assertEquals(0.023757264018058777, s.get("cls_token")[0], 1e-17, "0.75^13");
        // weight decay: 0.05 on matrices, none on biases, norms, cls_token, pos_embed
        for (String k : List.of("cls_token", "pos_embed", "patch_embed.proj.bias", "blocks.0.norm1.weight", "blocks.3.attn.qkv.bias",
                "norm.weight", "head.bias")) assertEquals(0.0, s.get(k)[1], 0, k);
        for (String k : List.of("patch_embed.proj.weight", "blocks.0.attn.qkv.weight", "blocks.11.mlp.fc2.weight", "head.weight"))
            assertEquals(0.05, s.get(k)[1], 0, k);
    }

    @Test void groupsComeInFirstAppearanceOrderWithReferenceNames() {
        Classifier model = new Classifier(Backbones.forLoading(BackboneSpec.of("vit_small", 16)), 10, new Rng(0));
        List<LayerDecay.Group> g = LayerDecay.groups(model.referenceParameters(), LD, 0.05, 4e-3);
        assertEquals("layer_0_no_decay", g.get(0).name()); // cls_token comes first
        assertEquals(2 * 14, g.size(), "decay and no-decay groups for ids 0..13");
        assertEquals(4e-3 * Math.pow(LD, 13), g.get(0).params().lr(), 1e-18);
        assertTrue(g.stream().anyMatch(x -> x.name().equals("layer_13_decay") && x.lrScale() == 1.0));
    }

    @Test void swinCountsBlocksAcrossStages() {
        Classifier model = new Classifier(Backbones.forLoading(BackboneSpec.of("swin_tiny", 4)), 10, new Rng(0));
        LayerDecay.Structure st = LayerDecay.structure(model.referenceParameters().keySet());
        assertTrue(st.swin());
        assertEquals(List.of(2, 2, 6, 2), java.util.Arrays.stream(st.stageDepths()).boxed().toList());
        assertEquals(12, st.depth());
        assertEquals(0, LayerDecay.layerId("patch_embed.proj.weight", st));
        assertEquals(1, LayerDecay.layerId("layers.0.blocks.0.attn.qkv.weight", st));
        assertEquals(2, LayerDecay.layerId("layers.0.blocks.1.mlp.fc1.weight", st));
        assertEquals(2, LayerDecay.layerId("layers.0.downsample.reduction.weight", st), "merging goes with its stage's last block");
        assertEquals(3, LayerDecay.layerId("layers.1.blocks.0.norm1.weight", st));
        assertEquals(10, LayerDecay.layerId("layers.2.blocks.5.attn.proj.bias", st));
        assertEquals(10, LayerDecay.layerId("layers.2.downsample.norm.weight", st));
        assertEquals(12, LayerDecay.layerId("layers.3.blocks.1.mlp.fc2.weight", st));
        assertEquals(13, LayerDecay.layerId("norm.weight", st));
        assertEquals(13, LayerDecay.layerId("head.weight", st));
        Map<String, double[]> s = settings(model, 1.0);
        assertEquals(0.0, s.get("layers.0.blocks.0.attn.relative_position_bias_table")[1], "bias tables take no decay");
        assertEquals(Math.pow(LD, 12), s.get("layers.0.blocks.0.attn.relative_position_bias_table")[0], 1e-15);
        assertEquals(Math.pow(LD, 13), s.get("patch_embed.proj.weight")[0], 1e-15);
    }

    @Test void weightDecayRule() {
        assertTrue(LayerDecay.noWeightDecay("masked_embed", Tensor.zeros(1, 4)));
        assertTrue(LayerDecay.noWeightDecay("absolute_pos_embed", Tensor.zeros(1, 4, 4)));
        assertTrue(LayerDecay.noWeightDecay("x.bias", Tensor.zeros(4, 4)));
        assertTrue(LayerDecay.noWeightDecay("x.weight", Tensor.zeros(4)));
        assertFalse(LayerDecay.noWeightDecay("x.weight", Tensor.zeros(4, 4)));
    }

    @Test void badDecayIsRefused() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("head.weight", Tensor.zeros(2, 2));
        assertThrows(IllegalArgumentException.class, () -> LayerDecay.groups(p, 0, 0.05, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> LayerDecay.groups(p, 1.5, 0.05, 1e-3));
        assertEquals(1.0, LayerDecay.groups(p, 0.5, 0.05, 1e-3).get(0).lrScale(), "no blocks: the head is layer depth+1 = 1");
    }
}
