package org.ibot4j.model;

import static org.ibot4j.model.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.io.PthArchive;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Real {@code torch.save} files from the official code, read by {@link PthReader} and loaded through {@link BackboneWeights}. */
class PthCheckpointTest {
    static Path resource(String p) {
        try {
            return Path.of(PthCheckpointTest.class.getResource(p).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + p, e);
        }
    }

    @Test void officialMicroModelPthGivesTheOfficialOutputs() throws Exception {
        OfficialFixture fx = OfficialFixture.load("vit_micro");
        Object root = PthReader.load(resource("/fixtures/official/vit_micro/model.pth"));
        VisionTransformer m = new VisionTransformer(new VitConfig(32, 4, 3, 64, 2, 4, 4.0, true, 0f, 1e-6f, true), new Rng(2));
        BackboneWeights.Report r = BackboneWeights.load(m, root, "teacher");
        assertTrue(r.clean(), r.describe());
        m.eval();
        Tensor x = fx.tensor("input");
        Backbone.Output o = m.forward(x, null, true);
        assertClose("pth all_tokens", fx.tensor("all_tokens"), o.allTokens(), 1e-5);
        assertClose("pth cls", fx.tensor("cls"), o.cls(), 1e-5);
        assertClose("pth attn_last", fx.tensor("attn_last"), o.attention(), 1e-5);
        assertClose("pth masked_all_tokens", fx.tensor("masked_all_tokens"), m.forward(x, fx.tensor("mask")).allTokens(), 1e-5);
        assertClose("pth local_all_tokens", fx.tensor("local_all_tokens"), m.forward(fx.tensor("local_input")).allTokens(), 1e-5);
    }

    @Test void officialMicroModelPthLoadedLazilyGivesTheOfficialOutputs() throws Exception {
        OfficialFixture fx = OfficialFixture.load("vit_micro");
        VisionTransformer m = new VisionTransformer(new VitConfig(32, 4, 3, 64, 2, 4, 4.0, true, 0f, 1e-6f, true), new Rng(2));
        try (PthArchive archive = PthReader.open(resource("/fixtures/official/vit_micro/model.pth"))) {
            BackboneWeights.Report r = BackboneWeights.load(m, archive.root(), "teacher");
            assertTrue(r.clean(), r.describe());
        }
        m.eval();
        Tensor x = fx.tensor("input");
        Backbone.Output o = m.forward(x, null, true);
        assertClose("lazy all_tokens", fx.tensor("all_tokens"), o.allTokens(), 1e-5);
        assertClose("lazy cls", fx.tensor("cls"), o.cls(), 1e-5);
        assertClose("lazy attn_last", fx.tensor("attn_last"), o.attention(), 1e-5);
        assertClose("lazy masked_all_tokens", fx.tensor("masked_all_tokens"), m.forward(x, fx.tensor("mask")).allTokens(), 1e-5);
        assertClose("lazy local_all_tokens", fx.tensor("local_all_tokens"), m.forward(fx.tensor("local_input")).allTokens(), 1e-5);
    }

    @Test void lazyAndEagerLoadsGiveTheSameParametersAndReportsIncludingAResizedPosEmbed() throws Exception {
        Path file = resource("/fixtures/official/vit_micro/model.pth");
        Object eagerRoot = PthReader.load(file);
        // img 48 instead of 32: pos_embed is resampled from the checkpoint's 8x8 grid to 12x12
        for (int img : new int[] {32, 48}) {
            VitConfig c = new VitConfig(img, 4, 3, 64, 2, 4, 4.0, true, 0f, 1e-6f, true);
            VisionTransformer eager = new VisionTransformer(c, new Rng(2)), lazy = new VisionTransformer(c, new Rng(3));
            BackboneWeights.Report re = BackboneWeights.load(eager, eagerRoot, "teacher"), rl;
            try (PthArchive archive = PthReader.open(file)) {
                rl = BackboneWeights.load(lazy, archive.root(), "teacher");
                assertEquals(BackboneWeights.backboneState(eagerRoot, "teacher").keySet(), BackboneWeights.backboneShapes(archive.root(), "teacher").keySet());
            }
            assertEquals(re, rl);
            assertEquals(img != 32, rl.posEmbedResized());
            for (Map.Entry<String, Tensor> e : eager.stateDict().entrySet())
                assertArrayEquals(e.getValue().toArray(), lazy.stateDict().get(e.getKey()).toArray(), img + ": " + e.getKey());
        }
    }

    @Test void officialStudentStateDictLoadsStrictlyAfterPrefixStrippingAndHeadDropping() throws Exception {
        Object root = PthReader.load(resource("/fixtures/official/step/init_student.pth"));
        VisionTransformer m = new VisionTransformer(new VitConfig(32, 4, 3, 32, 2, 2, 4.0, true, 0.1f, 1e-6f, true), new Rng(2));
        BackboneWeights.Report r = BackboneWeights.load(m, root, "student");
        assertTrue(r.clean(), r.describe());
        assertTrue(r.ignored().stream().allMatch(k -> k.startsWith("head.")) && !r.ignored().isEmpty(), r.ignored().toString());
        LinkedHashMap<String, Tensor> extracted = BackboneWeights.extract(root, "student");
        assertEquals(m.stateDict().keySet(), extracted.keySet());
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet())
            assertArrayEquals(extracted.get(e.getKey()).toArray(), e.getValue().toArray(), e.getKey());
    }
}
