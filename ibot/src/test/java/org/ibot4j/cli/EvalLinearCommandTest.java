package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.ImageFolderDataset;
import org.ibot4j.eval.Features;
import org.ibot4j.runtime.io.LazyTensor;
import org.ibot4j.runtime.io.PthArchive;
import org.ibot4j.runtime.io.PthReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ibot eval_linear} in-process on the tiny two-colour image folder of {@link EvalKnnCommandTest}: the
 * pixel baseline is learnt to 100% by the best of the 45 learning rates and the saved {@code linear.pth}
 * reproduces the reported accuracy; the tiny ViT's default features fit its depth; one {@code --lr} trains one
 * classifier; the per-epoch log has one JSON line per epoch; bad settings fail with a one-line error.
 */
class EvalLinearCommandTest {
    @TempDir static Path dir;
    static Path data, weights;

    @BeforeAll static void fixtures() throws IOException {
        data = EvalKnnCommandTest.write(dir.resolve("data"), 6, 3);
        weights = EvalKnnCommandTest.weights(dir);
    }

    @Test void pixelSweepLearnsTheColoursAndSavesTheBestClassifier() throws IOException {
        Path out = dir.resolve("lin-px");
        var r = EmbedCommandTest.run("eval_linear", "--pixels", "--data_path", data.toString(), "--image_size", "32", "--epochs", "4",
                "--batch_size_per_gpu", "4", "--output_dir", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("best val top-1 100.00%"), r.out());
        JsonNode j = EvalKnnCommandTest.json(out.resolve("linear.json"));
        assertEquals(100.0, j.get("top1").asDouble(), 0);
        assertEquals(45, j.get("sweep").size());
        int epoch = j.get("best_epoch").asInt();
        assertTrue(epoch >= 1 && epoch <= 4, "epoch " + epoch);
        double base = j.get("best_base_lr").asDouble();
        assertEquals(base * 4 / 256, j.get("best_lr").asDouble(), 1e-12);
        assertEquals(3072, j.get("features").get("feature_dim").asInt());
        assertEquals("none (features from the evaluation transform, computed once)", j.get("augmentation").asText());

        List<String> log = Files.readAllLines(out.resolve("log.txt"));
        assertEquals(4, log.size());
        for (int e = 0; e < 4; e++) {
            JsonNode line = EvalKnnCommandTest.JSON.readTree(log.get(e));
            assertEquals(e + 1, line.get("epoch").asInt());
            assertTrue(line.has("val_acc1") && line.has("train_loss"), log.get(e));
        }
        assertEquals(100.0, EvalKnnCommandTest.JSON.readTree(log.get(3)).get("best_acc1").asDouble(), 0);

        float[] w, b;
        try (PthArchive a = PthReader.open(out.resolve("linear.pth"))) {
            Map<?, ?> sd = (Map<?, ?>) a.root();
            assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(sd.keySet().stream().map(String::valueOf).toList()));
            LazyTensor lw = (LazyTensor) sd.get("linear.weight"), lb = (LazyTensor) sd.get("linear.bias");
            assertArrayEquals(new int[] {2, 3072}, lw.dims());
            assertArrayEquals(new int[] {2}, lb.dims());
            w = lw.read().toArray();
            b = lb.read().toArray();
        }
        Features.Set val = Features.pixels(new ImageFolderDataset(data.resolve("val")), 100, EvalTransform.forCrop(32), null, "val");
        int correct = 0;
        for (int i = 0; i < val.size(); i++) {
            double[] logit = {b[0], b[1]};
            for (int c = 0; c < 2; c++) for (int d = 0; d < 3072; d++) logit[c] += w[c * 3072 + d] * val.features()[i * 3072 + d];
            if ((logit[1] > logit[0] ? 1 : 0) == val.labels()[i]) correct++;
        }
        assertEquals(val.size(), correct, "linear.pth classifies the val set as reported");
    }

    @Test void backboneFeaturesFollowTheArchDefaultsFittedToDepth() throws IOException {
        Path out = dir.resolve("lin-w");
        var r = EmbedCommandTest.run(EvalKnnCommandTest.args("eval_linear", "--pretrained_weights", weights.toString(), "--data_path", data.toString(),
                "--image_size", "32", "--epochs", "2", "--lr", "0.5", "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("has only 2 blocks"), r.err());
        JsonNode j = EvalKnnCommandTest.json(out.resolve("linear.json"));
        assertEquals(32, j.get("features").get("feature_dim").asInt(), "CLS of the last 2 blocks of a 16-d ViT");
        assertEquals(2, j.get("features").get("n_last_blocks").asInt());
        assertEquals(0, j.get("features").get("avgpool_patchtokens").asInt());
        assertEquals(1, j.get("sweep").size());
        assertEquals(0.5, j.get("best_base_lr").asDouble(), 0);
        double top1 = j.get("top1").asDouble();
        assertTrue(top1 >= 0 && top1 <= 100);

        r = EmbedCommandTest.run(EvalKnnCommandTest.args("eval_linear", "--pretrained_weights", weights.toString(), "--data_path", data.toString(),
                "--image_size", "32", "--epochs", "1", "--n_last_blocks", "1", "--avgpool_patchtokens", "2", "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals(32, EvalKnnCommandTest.json(out.resolve("linear.json")).get("features").get("feature_dim").asInt(), "CLS + mean patch");
    }

    @Test void trainAugmentRecomputesFeaturesEveryEpochAndIsReproducible() throws IOException {
        float[][] weightsOf = new float[2][];
        double[] top1 = new double[2];
        for (int run = 0; run < 2; run++) {
            Path out = dir.resolve("lin-aug" + run);
            var r = EmbedCommandTest.run(EvalKnnCommandTest.args("eval_linear", "--pretrained_weights", weights.toString(), "--data_path", data.toString(),
                    "--image_size", "32", "--epochs", "2", "--lr", "0.5", "--batch_size_per_gpu", "4", "--seed", "3", "--train_augment",
                    "--output_dir", out.toString()));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("features train (epoch 2)"), r.err());
            JsonNode j = EvalKnnCommandTest.json(out.resolve("linear.json"));
            assertTrue(j.get("augmentation").asText().startsWith("RandomResizedCrop(32, scale (0.08, 1), bilinear)"), j.get("augmentation").asText());
            assertTrue(j.get("features").get("train_augment").asBoolean());
            assertEquals(2, Files.readAllLines(out.resolve("log.txt")).size());
            top1[run] = j.get("top1").asDouble();
            try (PthArchive a = PthReader.open(out.resolve("linear.pth"))) {
                weightsOf[run] = ((LazyTensor) ((Map<?, ?>) a.root()).get("linear.weight")).read().toArray();
            }
        }
        assertEquals(top1[0], top1[1], 0);
        assertArrayEquals(weightsOf[0], weightsOf[1], "a seeded augmented run is reproducible");

        var r = EmbedCommandTest.run("eval_linear", "--pixels", "--train_augment", "--data_path", data.toString(), "--image_size", "32");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--train_augment recomputes backbone features"), r.err());
    }

    @Test void badSettingsFailByName() {
        String dp = data.toString();
        String[][] cases = {
                {"epochs must be >= 1", "eval_linear", "--pixels", "--epochs", "0", "--data_path", dp},
                {"val_freq must be >= 1", "eval_linear", "--pixels", "--val_freq", "0", "--data_path", dp},
                {"--lr must be > 0", "eval_linear", "--pixels", "--lr", "-1", "--data_path", dp},
                {"--pretrained_weights FILE is required", "eval_linear", "--data_path", dp},
                {"no such file", "eval_linear", "--load_features", dir.resolve("nowhere").toString()},
        };
        for (String[] c : cases) {
            var r = EmbedCommandTest.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertNotEquals(0, r.code(), String.join(" ", c));
            assertTrue(r.err().contains(c[0]) && r.err().contains("eval_linear: error: "), "expected '" + c[0] + "' in: " + r.err());
        }
    }
}
