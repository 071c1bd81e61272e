package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.ImageFolderDataset;
import org.ibot4j.eval.Features;
import org.ibot4j.eval.Knn;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ibot eval_knn} in-process on a tiny image folder (two classes, reddish and bluish noise; 6 train and 3
 * val images each) with the tiny ViT of {@link EmbedCommandTest} saved as a {@code .pth}: knn.json holds what
 * the k-NN of the model's own features gives; --pixels separates the colours; --random_init, --dump_features
 * and --load_features agree; bad input fails with one line naming the problem.
 */
class EvalKnnCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    static Path data, weights;

    @BeforeAll static void fixtures() throws IOException {
        data = write(dir.resolve("data"), 6, 3);
        weights = weights(dir);
    }

    static JsonNode json(Path p) throws IOException { return JSON.readTree(p.toFile()); }

    @Test void weightsGiveTheKnnOfTheModelsFeatures() throws IOException {
        Path out = dir.resolve("knn-w");
        var r = EmbedCommandTest.run(args("eval_knn", "--pretrained_weights", weights.toString(), "--data_path", data.toString(),
                "--image_size", "32", "--nb_knn", "1", "3", "--output_dir", out.toString(), "--batch_size_per_gpu", "4"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("top-1") && r.out().contains("wrote"), r.out());
        JsonNode j = json(out.resolve("knn.json"));
        assertEquals("eval_knn", j.get("command").asText());
        assertEquals(0.07, j.get("temperature").asDouble(), 0);
        JsonNode f = j.get("features");
        assertEquals("weights", f.get("source").asText());
        assertEquals(16, f.get("feature_dim").asInt());
        assertEquals(12, f.get("train_count").asInt());
        assertEquals(6, f.get("val_count").asInt());
        assertEquals(2, f.get("classes").asInt());
        assertEquals(weights.toAbsolutePath().toString(), f.get("weights").asText());

        VisionTransformer m = EmbedCommandTest.tinyModel();
        EvalTransform tf = EvalTransform.forCrop(32);
        Features.Set tr = Features.cls(m, new ImageFolderDataset(data.resolve("train")), 100, tf, 5);
        Features.Set va = Features.cls(m, new ImageFolderDataset(data.resolve("val")), 100, tf, 5);
        List<Knn.KResult> want = Knn.evaluate(tr.features(), tr.labels(), va.features(), va.labels(), 16, new int[] {1, 3}, 0.07, 0);
        JsonNode res = j.get("results");
        assertEquals(2, res.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(want.get(i).k(), res.get(i).get("k").asInt());
            assertEquals(100 * want.get(i).top1(), res.get(i).get("top1").asDouble(), 1e-9, "top-1 of k=" + want.get(i).k());
            assertEquals(100 * want.get(i).top5(), res.get(i).get("top5").asDouble(), 1e-9);
        }
        assertEquals(100.0, res.get(0).get("top5").asDouble(), 0, "two classes: top-5 always hits");
    }

    @Test void pixelsSeparateTheColoursAndDefaultKsAreCapped() throws IOException {
        Path out = dir.resolve("knn-px");
        var r = EmbedCommandTest.run("eval_knn", "--pixels", "--data_path", data.toString(), "--image_size", "32", "--output_dir", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("k=20 exceeds the 12 training features"), r.err());
        JsonNode j = json(out.resolve("knn.json"));
        assertEquals(3 * 32 * 32, j.get("features").get("feature_dim").asInt());
        JsonNode res = j.get("results");
        assertEquals(4, res.size());
        int[] ks = {10, 20, 100, 200};
        for (int i = 0; i < 4; i++) {
            assertEquals(ks[i], res.get(i).get("k").asInt());
            assertEquals(Math.min(ks[i], 12), res.get(i).get("effective_k").asInt());
        }
        assertEquals(100.0, res.get(0).get("top1").asDouble(), 0, "red vs blue by pixels, k=10");
    }

    @Test void randomInitDumpAndLoadAgree() throws IOException {
        Path out1 = dir.resolve("knn-r1"), out2 = dir.resolve("knn-r2"), cache = dir.resolve("cache");
        var r = EmbedCommandTest.run(args("eval_knn", "--random_init", "--seed", "3", "--data_path", data.toString(), "--image_size", "32",
                "--nb_knn", "1,5", "--output_dir", out1.toString(), "--dump_features", cache.toString(), "--avgpool_patchtokens", "2", "--n_last_blocks", "2"));
        assertEquals(0, r.code(), r.err());
        assertEquals(48, json(out1.resolve("knn.json")).get("features").get("feature_dim").asInt(), "2 CLS + mean patch");
        for (String f : new String[] {"trainfeat.npy", "trainlabels.npy", "valfeat.npy", "vallabels.npy"}) assertTrue(Files.isRegularFile(cache.resolve(f)), f);
        r = EmbedCommandTest.run("eval_knn", "--load_features", cache.toString(), "--nb_knn", "1,5", "--output_dir", out2.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode a = json(out1.resolve("knn.json")).get("results"), b = json(out2.resolve("knn.json")).get("results");
        assertEquals(a, b, "cached features give the same k-NN");
        assertEquals("cache", json(out2.resolve("knn.json")).get("features").get("source").asText());
        // --random_init next to --pretrained_weights: the checkpoint's architecture, not its weights
        Path out3 = dir.resolve("knn-r3");
        r = EmbedCommandTest.run(args("eval_knn", "--random_init", "--seed", "3", "--pretrained_weights", weights.toString(), "--data_path", data.toString(),
                "--image_size", "32", "--nb_knn", "1,5", "--output_dir", out3.toString(), "--avgpool_patchtokens", "2", "--n_last_blocks", "2"));
        assertEquals(0, r.code(), r.err());
        assertEquals(a, json(out3.resolve("knn.json")).get("results"), "same seed, same architecture: the same random model");
        assertEquals(weights.toAbsolutePath().toString(), json(out3.resolve("knn.json")).get("features").get("architecture_of").asText());
        r = EmbedCommandTest.run("eval_knn", "--load_features", cache.toString(), "--train_subset", "5", "--output_dir", out2.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("hold 12 rows but --train_subset is 5"), r.err());
    }

    @Test void badInputIsOneLineNamingTheProblem() throws IOException {
        String dp = data.toString();
        Path out = dir.resolve("knn-bad");
        String[][] cases = {
                {"--pretrained_weights FILE is required", "eval_knn", "--data_path", dp, "--output_dir", out.toString()},
                {"--nb_knn values must be >= 1", "eval_knn", "--pixels", "--nb_knn", "0", "--data_path", dp},
                {"no such file", "eval_knn", "--pretrained_weights", dir.resolve("missing.pth").toString(), "--data_path", dp, "--image_size", "32"},
                {"do not fit", "eval_knn", "--pretrained_weights", weights.toString(), "--arch", "vit_tiny", "--patch_size", "8", "--embed_dim", "32",
                        "--depth", "2", "--num_heads", "2", "--data_path", dp, "--image_size", "32"},
                {"do not fit", "eval_knn", "--pretrained_weights", weights.toString(), "--arch", "vit_small", "--patch_size", "8", "--data_path", dp,
                        "--image_size", "32"},
                {"holds neither", "eval_knn", "--pixels", "--data_path", dir.toString()},
                {"pick one", "eval_knn", "--pixels", "--random_init", "--data_path", dp},
                {"--temperature must be > 0", "eval_knn", "--pixels", "--temperature", "0", "--data_path", dp},
                {"exceeds", "eval_knn", "--random_init", "--n_last_blocks", "5", "--arch", "vit_tiny", "--patch_size", "8", "--embed_dim", "16",
                        "--depth", "2", "--num_heads", "2", "--data_path", dp, "--image_size", "32"},
        };
        for (String[] c : cases) {
            var r = EmbedCommandTest.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertNotEquals(0, r.code(), String.join(" ", c));
            assertTrue(r.err().contains(c[0]), "expected '" + c[0] + "' in: " + r.err());
            assertTrue(r.err().contains("eval_knn: error: "), r.err());
            if (c[0].contains("fit") || c[0].contains("required") || c[0].contains("exceeds"))
                assertTrue(!r.err().contains("image folders"), "model problems show before any image is read: " + r.err());
        }
        Files.createDirectories(dir.resolve("empty/train/a"));
        Files.createDirectories(dir.resolve("empty/val/a"));
        var r = EmbedCommandTest.run("eval_knn", "--pixels", "--data_path", dir.resolve("empty").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("eval_knn: error:"), r.err());
    }


    /** Writes {@code root/train/{red,blue}} ({@code perClassTrain} images each) and {@code root/val/...}. */
    static Path write(Path root, int perClassTrain, int perClassVal) throws IOException {
        Rng rng = new Rng(17);
        for (String split : new String[] {"train", "val"}) {
            int n = split.equals("train") ? perClassTrain : perClassVal;
            for (String cls : new String[] {"blue", "red"}) {
                Path d = Files.createDirectories(root.resolve(split).resolve(cls));
                for (int i = 0; i < n; i++) {
                    BufferedImage img = new BufferedImage(36, 32, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 32; y++)
                        for (int x = 0; x < 36; x++) {
                            int noise = rng.nextInt(90), other = rng.nextInt(90);
                            int strong = 150 + rng.nextInt(100);
                            int r = cls.equals("red") ? strong : noise, b = cls.equals("red") ? noise : strong;
                            img.setRGB(x, y, (r << 16) | (other << 8) | b);
                        }
                    ImageIO.write(img, "png", d.resolve(split + "-" + i + ".png").toFile());
                }
            }
        }
        return root;
    }

    /** The tiny ViT's state dict as {@code backbone.pth} in {@code dir}. */
    static Path weights(Path dir) throws IOException {
        Path p = dir.resolve("backbone.pth");
        PthWriter.save(p, EmbedCommandTest.tinyModel().stateDict());
        return p;
    }

    /** {@code command} + the tiny architecture flags + {@code rest}. */
    static String[] args(String command, String... rest) {
        String[] a = new String[EmbedCommandTest.ARCH.length + rest.length + 1];
        a[0] = command;
        System.arraycopy(EmbedCommandTest.ARCH, 0, a, 1, EmbedCommandTest.ARCH.length);
        System.arraycopy(rest, 0, a, 1 + EmbedCommandTest.ARCH.length, rest.length);
        return a;
    }
}
