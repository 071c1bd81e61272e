package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ibot4j.cli.BackboneOptions;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Swin checkpoint written by {@code torch.save} (teacher backbone keys, int64 {@code relative_position_index})
 * loads through the evaluation commands' path, which takes patch and window from the checkpoint's shapes, and
 * the loaded model reproduces the PyTorch output.
 */
class SwinCheckpointTest {
    @Test void torchCheckpointLoadsThroughTheInteropPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("checkpoint.pth");
        Files.write(file, SwinFixtureTest.class.getResourceAsStream("/fixtures/swin/w4_global/checkpoint.pth").readAllBytes());
        // patch 16 and window 7 on purpose: both come from the checkpoint (conv kernel, bias-table size)
        BackboneSpec spec = new BackboneSpec("swin_mini", 16, 7, 16, 2, 2, 16, 0f, false);
        Backbone model = BackboneOptions.load(file, "teacher", spec);
        assertTrue(model instanceof SwinTransformer);
        assertEquals(2, model.patchSize());
        assertEquals(4, ((SwinTransformer) model).config().windowSize());
        SwinFixture f = SwinFixture.load("w4_global");
        Tensor out = model.forward(f.tensor("x")).allTokens();
        Close.assertClose("checkpoint out", f.tensor("out"), out, 2e-5);
        float[] idx = model.stateDict().get("layers.0.blocks.0.attn.relative_position_index").toArray();
        int[] expect = SwinWindows.relativePositionIndex(4);
        for (int i = 0; i < expect.length; i++) assertEquals(expect[i], idx[i]);
    }
}
