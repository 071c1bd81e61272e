package org.ibot4j.model;

import static org.ibot4j.model.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ViT against the official iBOT code (commit da316d8, PyTorch 1.13) on a micro model with non-trivial
 * weights (32 px, patch 4, dim 64, depth 2, 4 heads; fixture vit_micro): prepared tokens, every block,
 * all tokens, CLS, last attention, the masked forward, a 16-px crop with an interpolated position table, and
 * every parameter gradient of {@code sum(masked_all_tokens · grad_weight)}.
 */
class OfficialVitMicroTest {
    static final double REL = 1e-5;
    static OfficialFixture fx;

    @BeforeAll static void read() { fx = OfficialFixture.load("vit_micro"); }

    static VitConfig microConfig() {
        return new VitConfig(fx.meta().get("img_size").asInt(), fx.meta().get("patch_size").asInt(), 3,
                fx.meta().get("embed_dim").asInt(), fx.meta().get("depth").asInt(), fx.meta().get("num_heads").asInt(),
                4.0, true, 0f, 1e-6f, true);
    }

    /** The micro ViT with the fixture's raw state loaded (strictly) through {@link BackboneWeights}, in eval mode. */
    static VisionTransformer loadedModel() {
        VisionTransformer m = new VisionTransformer(microConfig(), new Rng(1));
        BackboneWeights.Report r = BackboneWeights.load(m, fx.group("state"), null);
        assertEquals(true, r.clean(), r.describe());
        m.eval();
        return m;
    }

    @Test void stateDictKeysAndShapesAreTheReferenceOnes() {
        VisionTransformer m = new VisionTransformer(microConfig(), new Rng(1));
        var own = m.stateDict();
        var ref = fx.meta().get("state_dict");
        assertEquals(ref.size(), own.size());
        int i = 0;
        for (var e : own.entrySet()) {
            var r = ref.get(i++);
            assertEquals(r.get(0).asText(), e.getKey(), "key order");
            int[] shape = new int[r.get(1).size()];
            for (int j = 0; j < shape.length; j++) shape[j] = r.get(1).get(j).asInt();
            assertEquals(List.of(java.util.Arrays.stream(shape).boxed().toArray()), List.of(java.util.Arrays.stream(e.getValue().dims()).boxed().toArray()), e.getKey());
        }
    }

    @Test void forwardMatchesOfficial() {
        VisionTransformer m = loadedModel();
        Tensor x = fx.tensor("input");
        assertClose("prepared_tokens", fx.tensor("prepared_tokens"), m.prepareTokens(x, null), REL);
        Tensor t = m.prepareTokens(x, null);
        for (int i = 0; i < 2; i++) {
            t = m.blocks().get(i).forward(t);
            assertClose("block_out/" + i, fx.tensor("block_out/" + i), t, REL);
        }
        Backbone.Output o = m.forward(x, null, true);
        assertClose("all_tokens", fx.tensor("all_tokens"), o.allTokens(), REL);
        assertClose("cls", fx.tensor("cls"), o.cls(), REL);
        assertNotNull(o.attention());
        assertClose("attn_last", fx.tensor("attn_last"), o.attention(), REL);
        assertClose("lastSelfAttention", fx.tensor("attn_last"), m.lastSelfAttention(x), REL);
        List<Tensor> inter = m.intermediateLayers(x, 1);
        assertEquals(1, inter.size());
        assertClose("intermediateLayers(1)", fx.tensor("all_tokens"), inter.get(0), REL);
        List<Tensor> both = m.intermediateLayers(x, 2);
        assertClose("intermediateLayers(2)[1]", fx.tensor("all_tokens"), both.get(1), REL);
        assertClose("intermediateLayers(2)[0]", m.norm().forward(fx.tensor("block_out/0")), both.get(0), REL);
    }

    @Test void maskedForwardMatchesOfficial() {
        VisionTransformer m = loadedModel();
        Tensor x = fx.tensor("input"), mask = fx.tensor("mask");
        assertClose("masked_prepared_tokens", fx.tensor("masked_prepared_tokens"), m.prepareTokens(x, mask), REL);
        Backbone.Output o = m.forward(x, mask);
        assertClose("masked_all_tokens", fx.tensor("masked_all_tokens"), o.allTokens(), REL);
        assertClose("masked_cls", fx.tensor("masked_cls"), o.cls(), REL);
        // With MIM switched off the mask is ignored, as the reference does for local crops (spec 11.11).
        m.setMaskedImModeling(false);
        assertClose("mask ignored when MIM off", fx.tensor("all_tokens"), m.forward(x, mask).allTokens(), REL);
    }

    @Test void localCropUsesTheInterpolatedPositionTable() {
        VisionTransformer m = loadedModel();
        Tensor local = fx.tensor("local_input");
        int g = local.dim(2) / m.config().patchSize();
        assertClose("local_pos_embed", fx.tensor("local_pos_embed"), m.positionEmbedding(g, g, local.dim(2), local.dim(3)), REL);
        assertClose("local_all_tokens", fx.tensor("local_all_tokens"), m.forward(local).allTokens(), REL);
    }

    @Test void parameterGradientsMatchOfficial() {
        VisionTransformer m = loadedModel();
        m.train();
        Tensor out = m.forward(fx.tensor("input"), fx.tensor("mask")).allTokens();
        out.mul(fx.tensor("grad_weight")).sum().backward();
        Map<String, Tensor> expected = fx.group("grad");
        Map<String, Parameter> params = m.namedParameters();
        assertEquals(expected.keySet(), params.keySet());
        double worst = 0;
        for (var e : expected.entrySet()) {
            Tensor g = params.get(e.getKey()).grad();
            assertNotNull(g, "no gradient for " + e.getKey());
            worst = Math.max(worst, assertClose("grad/" + e.getKey(), e.getValue(), g, REL));
        }
        System.out.printf("worst parameter-gradient error %.3e%n", worst);
    }
}
