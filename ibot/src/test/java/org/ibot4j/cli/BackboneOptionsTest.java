package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.model.Backbone;
import org.ibot4j.model.BackboneSpec;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The shared backbone flags: a flag not given takes the value the checkpoint's {@code args} recorded (so an ibot4j
 * pre-training checkpoint alone describes its model), explicit flags win, and without weights the presets apply.
 */
class BackboneOptionsTest {
    @Command(name = "t") static final class Cmd implements Runnable {
        @Mixin BackboneOptions backbone;

        @Override public void run() {}
    }

    static BackboneOptions parse(String... args) {
        Cmd c = new Cmd();
        new CommandLine(c).parseArgs(args);
        return c.backbone;
    }

    @Test void presetsWithoutWeights() {
        BackboneOptions o = parse();
        BackboneSpec s = o.spec(o.imageSize());
        assertEquals("vit_small", s.arch());
        assertEquals(16, s.patchSize());
        assertEquals(7, s.windowSize());
        assertEquals(224, s.imgSize());
        assertNull(s.embedDim());
        assertEquals(4, parse("--arch", "swin_tiny").patchSize());
        assertEquals(8, parse("--arch", "swin_tiny", "--patch_size", "8").patchSize());
    }

    @Test void checkpointArgsFillUnsetFlags(@TempDir Path dir) throws Exception {
        VisionTransformer vit = new VisionTransformer(VitConfig.of(16, 2, 2).withPatchSize(4).withImgSize(32), new Rng(1));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("arch", "vit_tiny");
        args.put("patch_size", 4L);
        args.put("embed_dim", 16L);
        args.put("depth", 2L);
        args.put("num_heads", 2L);
        args.put("global_crop_size", 32L);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("teacher", new LinkedHashMap<>(vit.stateDict()));
        root.put("args", args);
        Path ckpt = dir.resolve("checkpoint.pth");
        PthWriter.save(ckpt, root);

        BackboneOptions o = parse("--pretrained_weights", ckpt.toString());
        assertEquals(32, o.imageSize());
        assertEquals(480, parse("--pretrained_weights", ckpt.toString(), "--image_size", "480").imageSize());
        Backbone b = o.load(o.imageSize());
        assertEquals(16, b.embedDim());
        assertEquals(2, b.depth());
        assertEquals(4, b.patchSize());
        assertEquals(vit.stateDict().get("blocks.1.mlp.fc2.weight").get(3, 5), b.stateDict().get("blocks.1.mlp.fc2.weight").get(3, 5));

        // an explicit flag wins over the recorded args (and here no longer fits the weights)
        BackboneOptions wrong = parse("--pretrained_weights", ckpt.toString(), "--depth", "3");
        assertEquals(3, wrong.spec(32).depth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrong.load(32));
        assertEquals(true, e.getMessage().contains("blocks.2"), e.getMessage());
    }
}
