package org.ibot4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ibot4j.cli.PretrainCommand;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.RgbImage;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny run end to end: checkpoints in the reference layout, log lines, and resume equal to a straight run. */
class TrainerResumeTest {
    static Dataset synthetic(int n) {
        Rng rng = new Rng(7);
        List<RgbImage> imgs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[16 * 16 * 3];
            for (int j = 0; j < px.length; j++) px[j] = (byte) (rng.nextInt(64) + (i % 2) * 128);
            imgs.add(new RgbImage(16, 16, px));
        }
        return new Dataset() {
            @Override public int size() { return n; }
            @Override public RgbImage image(int i) { return imgs.get(i); }
            @Override public int label(int i) { return i % 2; }
            @Override public int numClasses() { return 2; }
        };
    }

    static TrainConfig tiny(Path out) throws Exception { return tiny(out, "1", "0"); }

    /** Drop path needs depth >= 2: block i gets rate·i/(depth−1), so a single block never drops. */
    static TrainConfig tiny(Path out, String depth, String dropPath) throws Exception {
        return PretrainCommand.parse("--arch", "vit_tiny", "--embed_dim", "16", "--depth", depth, "--num_heads", "2", "--patch_size", "4",
                "--global_crop_size", "16", "--local_crop_size", "8", "--local_crops_number", "1", "--out_dim", "16",
                "--patch_out_dim", "16", "--head_hidden_dim", "16", "--head_bottleneck_dim", "8", "--batch_size_per_gpu", "4",
                "--epochs", "2", "--warmup_epochs", "1", "--warmup_teacher_temp_epochs", "1", "--drop_path", dropPath, "--num_workers", "0", "--saveckp_freq", "1",
                "--pred_ratio", "0", "0.3", "--pred_ratio_var", "0", "0.2", "--output_dir", out.toString(), "--data_path", "synthetic");
    }

    private static PrintWriter quiet() { return new PrintWriter(new StringWriter(), true); }

    @Test
    void resumingAfterOneEpochEqualsTwoStraightEpochs(@TempDir Path dir) throws Exception {
        Dataset data = synthetic(8);
        Path straight = dir.resolve("straight"), split = dir.resolve("split");
        Trainer a = new Trainer(tiny(straight), data, quiet(), quiet());
        assertEquals(2, a.run());

        assertEquals(1, new Trainer(tiny(split), data, quiet(), quiet()).run(1));
        Trainer b = new Trainer(tiny(split), data, quiet(), quiet());
        assertEquals(1, b.run());

        assertSame(a.student().stateDict(), b.student().stateDict());
        assertSame(a.teacher().stateDict(), b.teacher().stateDict());
        assertArrayEquals(a.loss().center().toArray(), b.loss().center().toArray());
        assertArrayEquals(a.loss().center2().toArray(), b.loss().center2().toArray());

        // log.txt: one line per epoch with the reference keys in order; both runs logged the same numbers.
        List<String> la = Files.readAllLines(straight.resolve("log.txt")), lb = Files.readAllLines(split.resolve("log.txt"));
        assertEquals(2, la.size());
        assertEquals(2, lb.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(la.get(0));
        List<String> keys = new ArrayList<>();
        first.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("train_loss", "train_cls", "train_patch", "train_lr", "train_wd", "train_acc", "train_nmi", "train_ari",
                "train_fscore", "train_adjacc", "epoch", "images_per_s"), keys);
        assertEquals(0, first.get("epoch").asInt());
        assertTrue(Double.isFinite(first.get("train_loss").asDouble()) && first.get("train_loss").asDouble() > 0);
        for (int e = 0; e < 2; e++)
            assertEquals(json.readTree(la.get(e)).get("train_loss").asDouble(), json.readTree(lb.get(e)).get("train_loss").asDouble());

        // checkpoint layout (spec 8.1)
        assertTrue(Files.exists(straight.resolve("checkpoint0001.pth")));
        Map<?, ?> ck = (Map<?, ?>) PthReader.load(straight.resolve("checkpoint.pth"));
        assertEquals(2L, ck.get("epoch"));
        Map<?, ?> st = (Map<?, ?>) ck.get("student"), te = (Map<?, ?>) ck.get("teacher");
        assertTrue(st.containsKey("module.backbone.cls_token") && st.containsKey("module.backbone.masked_embed")
                && st.containsKey("module.head.last_layer.weight_v"), st.keySet().toString());
        assertTrue(te.containsKey("backbone.cls_token") && te.containsKey("head.mlp.0.weight") && !te.containsKey("backbone.masked_embed"));
        Map<?, ?> opt = (Map<?, ?>) ck.get("optimizer");
        Map<?, ?> state0 = (Map<?, ?>) ((Map<?, ?>) opt.get("state")).get(0L);
        assertEquals(4L, state0.get("step"));
        assertEquals(((Tensor) st.get("module.backbone.cls_token")).shape(), ((Tensor) state0.get("exp_avg")).shape());
        List<?> groups = (List<?>) opt.get("param_groups");
        assertEquals(2, groups.size());
        assertEquals(0.0, ((Map<?, ?>) groups.get(1)).get("weight_decay"));
        Map<?, ?> lossState = (Map<?, ?>) ck.get("ibot_loss");
        assertArrayEquals(new int[] {1, 16}, ((Tensor) lossState.get("center")).dims());
        assertArrayEquals(new int[] {1, 1, 16}, ((Tensor) lossState.get("center2")).dims());
        assertEquals("vit_tiny", ((Map<?, ?>) ck.get("args")).get("arch"));
    }

    @Test
    void resumeIsExactWithDropPathToo(@TempDir Path dir) throws Exception {
        Dataset data = synthetic(8);
        Path straight = dir.resolve("straight"), split = dir.resolve("split");
        Trainer a = new Trainer(tiny(straight, "2", "0.5"), data, quiet(), quiet());
        assertEquals(2, a.run());
        assertEquals(1, new Trainer(tiny(split, "2", "0.5"), data, quiet(), quiet()).run(1));
        Trainer b = new Trainer(tiny(split, "2", "0.5"), data, quiet(), quiet());
        assertEquals(1, b.run());
        assertSame(a.student().stateDict(), b.student().stateDict());
        assertSame(a.teacher().stateDict(), b.teacher().stateDict());
    }

    private static void assertSame(Map<String, Tensor> x, Map<String, Tensor> y) {
        assertEquals(x.keySet(), y.keySet());
        x.forEach((k, v) -> assertArrayEquals(v.toArray(), y.get(k).toArray(), "tensor " + k + " differs"));
    }
}
