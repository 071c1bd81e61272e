package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ibot4j.cli.PretrainCommand;
import org.ibot4j.runtime.nn.DropPath;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.train.TrainConfig;
import org.ibot4j.train.Trainer;
import org.junit.jupiter.api.Test;

/** Swin in pre-training: the conf presets (spec 1.2) and the student/teacher pair the trainer builds. */
class SwinPretrainTest {
    private static Path conf(String name) {
        Path p = Path.of("../conf", name);
        return Files.exists(p) ? p : Path.of("conf", name);
    }

    @Test void presetsFollowTheReadmeRecipes() throws Exception {
        TrainConfig t14 = PretrainCommand.parse("--config", conf("swin_tiny_14.yaml").toString());
        assertEquals("swin_tiny", t14.arch());
        assertEquals(4, t14.patchSize());
        assertEquals(14, t14.windowSize());
        assertEquals(26, t14.batchSizePerGpu());
        assertEquals(300, t14.epochs());
        assertEquals(50, t14.predStartEpoch());
        assertTrue(t14.sharedHead());
        assertFalse(t14.normLastLayer());
        TrainConfig t7 = PretrainCommand.parse("--config", conf("swin_tiny_7.yaml").toString());
        assertEquals(7, t7.windowSize());
        assertEquals(50, t7.predStartEpoch());
        TrainConfig fm = PretrainCommand.parse("--config", conf("swin_mini_fashion_mnist.yaml").toString());
        assertEquals("swin_mini", fm.arch());
        assertEquals(8, Trainer.networks(fm).student().backbone().tokenStride());
    }

    @Test void trainerBuildsSwinStudentAndTeacher() throws Exception {
        TrainConfig c = PretrainCommand.parse("--data_path", "x", "--arch", "swin_mini", "--patch_size", "2", "--window_size", "4",
                "--global_crop_size", "32", "--local_crop_size", "16", "--out_dim", "64", "--patch_out_dim", "64",
                "--head_hidden_dim", "32", "--head_bottleneck_dim", "16", "--drop_path", "0.3");
        Trainer.Networks n = Trainer.networks(c);
        Backbone s = n.student().backbone(), t = n.teacher().backbone();
        assertTrue(s instanceof SwinTransformer);
        assertEquals(4, s.tokenStride());
        assertEquals(32, s.imgSize());
        assertNotNull(s.maskedEmbed());
        assertNull(t.maskedEmbed());
        float maxStudent = 0, maxTeacher = 0;
        for (Module m : s.namedModules().values()) if (m instanceof DropPath dp) maxStudent = Math.max(maxStudent, dp.p());
        for (Module m : t.namedModules().values()) if (m instanceof DropPath dp) maxTeacher = Math.max(maxTeacher, dp.p());
        assertEquals(0.1f, maxStudent, 1e-7, "Swin student uses the arch default, not --drop_path");
        assertEquals(0f, maxTeacher);
        var sp = s.stateDict();
        t.stateDict().forEach((k, v) -> assertArrayEquals(sp.get(k).toArray(), v.toArray(), k));
        assertTrue(t.stateDict().containsKey("layers.0.blocks.1.attn.relative_position_index"));
        assertFalse(n.student().namedParameters().keySet().stream().anyMatch(k -> k.endsWith("relative_position_index")));
        // a global crop with its [N, 8, 8] mask and a local crop without
        s.eval();
        assertArrayEquals(new int[] {2, 65, 64}, s.forward(Tensor.zeros(2, 3, 32, 32), Tensor.ones(2, 8, 8)).allTokens().dims());
        assertArrayEquals(new int[] {2, 17, 64}, s.forward(Tensor.zeros(2, 3, 16, 16)).allTokens().dims());
    }
}
