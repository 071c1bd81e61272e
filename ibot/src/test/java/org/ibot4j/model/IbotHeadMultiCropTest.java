package org.ibot4j.model;

import static org.ibot4j.model.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The multi-crop wrapper (spec 5.2): grouping by resolution, crop-major rows, masks, and the official micro ViT + head. */
class IbotHeadMultiCropTest {
    static MultiCropWrapper tiny() {
        VisionTransformer vit = new VisionTransformer(new VitConfig(16, 4, 3, 16, 1, 2, 4.0, true, 0f, 1e-6f, true), new Rng(5));
        vit.maskedEmbed().tensor().copyFrom(Tensor.randn(new Rng(9), 1, 16)); // starts at zero; make masking visible
        return new MultiCropWrapper(vit, new IbotHead(new HeadConfig(16, 12, 10, 3, 24, 8, "gelu", null, true, false), new Rng(6)));
    }

    @Test void stateDictIsPrefixedLikeTheReference() {
        var keys = tiny().stateDict().keySet();
        assertTrue(keys.contains("backbone.blocks.0.attn.qkv.weight"));
        assertTrue(keys.contains("head.mlp.0.weight"));
        assertTrue(keys.contains("head.last_layer2.weight_v"));
    }

    @Test void groupedForwardEqualsPerCropForwardsInCropMajorOrder() {
        MultiCropWrapper w = tiny();
        Rng rng = new Rng(1);
        Tensor g0 = Tensor.randn(rng, 2, 3, 16, 16), g1 = Tensor.randn(rng, 2, 3, 16, 16);
        Tensor m0 = Tensor.of(new float[32], 2, 4, 4), m1 = Tensor.zeros(2, 4, 4);
        m0.set(1f, 0, 1, 2);
        m1.set(1f, 1, 3, 3);
        IbotHead.Output both = w.forward(List.of(g0, g1), List.of(m0, m1));
        assertArrayEquals(new int[] {4, 12}, both.cls().dims());
        assertArrayEquals(new int[] {4, 16, 10}, both.patch().dims());
        IbotHead.Output a = w.forward(g0, m0), b = w.forward(g1, m1);
        assertClose("crop 0 cls", a.cls(), both.cls().slice(0, 0, 2), 1e-6);
        assertClose("crop 1 cls", b.cls(), both.cls().slice(0, 2, 4), 1e-6);
        assertClose("crop 1 patch", b.patch(), both.patch().slice(0, 2, 4), 1e-6);
        Tensor unmasked = w.forward(g0, null).cls();
        double diff = 0;
        for (int i = 0; i < 12; i++) diff = Math.max(diff, Math.abs(unmasked.get(0, i) - a.cls().get(0, i)));
        assertTrue(diff > 1e-4, "the mask changes the masked image's logits");
    }

    @Test void clsPathMixesResolutionsAndMatchesTheFullHead() {
        MultiCropWrapper w = tiny();
        Rng rng = new Rng(2);
        Tensor l0 = Tensor.randn(rng, 2, 3, 8, 8), l1 = Tensor.randn(rng, 2, 3, 8, 8), g = Tensor.randn(rng, 1, 3, 16, 16);
        Tensor cls = w.forwardCls(List.of(l0, l1, g));
        assertArrayEquals(new int[] {5, 12}, cls.dims());
        assertClose("locals via full head", w.forward(List.of(l0, l1), null).cls(), cls.slice(0, 0, 4), 1e-6);
        assertClose("global via full head", w.forward(g, null).cls(), cls.slice(0, 4, 5), 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> w.forward(List.of(l0, g), null));
        assertTrue(e.getMessage().contains("tokens"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.forward(List.of(l0, l1), List.of(Tensor.zeros(2, 2, 2))));
    }

    @Test void officialMicroViTAndHeadThroughTheWrapper() throws Exception {
        OfficialFixture vit = OfficialFixture.load("vit_micro");
        VisionTransformer backbone = new VisionTransformer(new VitConfig(32, 4, 3, 64, 2, 4, 4.0, true, 0f, 1e-6f, true), new Rng(1));
        backbone.loadStateDict(PthReader.tensors((Map<?, ?>) PthReader.load(PthCheckpointTest.resource("/fixtures/official/vit_micro/model.pth"))), true);
        IbotHead head = IbotHeadOfficialTest.loaded("head_sep");
        MultiCropWrapper w = new MultiCropWrapper(backbone, head);
        Tensor x = vit.tensor("input"), m = vit.tensor("mask");
        // the batch of 2 as two crops of one image each: same rows, crop-major
        IbotHead.Output o = w.forward(List.of(x.slice(0, 0, 1), x.slice(0, 1, 2)), List.of(m.slice(0, 0, 1), m.slice(0, 1, 2)));
        assertClose("wrapper x1_cls", IbotHeadOfficialTest.FX.tensor("head_sep/x1_cls"), o.cls(), 1e-5);
        assertClose("wrapper x2_patch", IbotHeadOfficialTest.FX.tensor("head_sep/x2_patch"), o.patch(), 1e-5);
    }
}
