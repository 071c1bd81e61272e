package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.ibot4j.eval.FineTune;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ibot finetune} in-process on a tiny image folder (two colour classes, 20-px PNGs): from random init and
 * from a saved tiny backbone (position table resampled to a larger crop), writing the documented files; a second
 * call resumes and does nothing more; bad inputs fail with exit 1 and one line naming the problem.
 */
class FinetuneCommandTest {
    record Run(int code, String out, String err) {}

    static final String[] TINY = {"--arch", "vit_tiny", "--patch_size", "4", "--embed_dim", "32", "--depth", "2", "--num_heads", "2"};

    @TempDir static Path dir;
    static Path data, weights;

    static Run run(List<String> args) {
        StringWriter err = new StringWriter(), out = new StringWriter();
        PrintStream oldOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return new Run(cl.execute(args.toArray(String[]::new)), out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    static List<String> args(String... extra) {
        List<String> a = new ArrayList<>(List.of("finetune"));
        a.addAll(List.of(TINY));
        a.addAll(List.of("--data_path", data.toString(), "--batch_size", "8", "--num_workers", "1"));
        a.addAll(List.of(extra));
        return a;
    }

    @BeforeAll static void images() throws Exception {
        data = dir.resolve("data");
        Rng rng = new Rng(1);
        for (String split : List.of("train", "val"))
            for (String cls : List.of("blue", "red")) {
                Path d = Files.createDirectories(data.resolve(split).resolve(cls));
                for (int i = 0; i < (split.equals("train") ? 12 : 6); i++) {
                    BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 20; y++)
                        for (int x = 0; x < 20; x++) {
                            int hi = 170 + rng.nextInt(60), lo = 50 + rng.nextInt(60), g = 80 + rng.nextInt(80);
                            img.setRGB(x, y, cls.equals("red") ? (hi << 16) | (g << 8) | lo : (lo << 16) | (g << 8) | hi);
                        }
                    assertTrue(ImageIO.write(img, "png", d.resolve(i + ".png").toFile()));
                }
            }
        VisionTransformer vit = new VisionTransformer(new VitConfig(16, 4, 3, 32, 2, 2, 4.0, true, 0f, 1e-6f, false), new Rng(4));
        Map<String, Object> teacher = new LinkedHashMap<>();
        vit.stateDict().forEach((k, v) -> teacher.put("backbone." + k, v));
        teacher.put("head.last_layer.weight", Tensor.zeros(8, 32));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("teacher", teacher);
        weights = dir.resolve("ckpt.pth");
        PthWriter.save(weights, root);
    }

    @Test void randomInitRunWritesEverythingAndResumes() throws Exception {
        Path out = dir.resolve("out-random");
        Run r = run(args("--image_size", "16", "--epochs", "2", "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("at random init"), r.out());
        assertTrue(r.out().contains("best top-1"), r.out());
        assertTrue(r.err().contains("Epoch 2/2"), "progress bar on stderr: " + r.err());
        for (String f : List.of("log.txt", FineTune.LATEST, FineTune.BEST, FineTune.RESULTS)) assertTrue(Files.exists(out.resolve(f)), f);
        assertEquals(2, Files.readAllLines(out.resolve("log.txt")).size());
        JsonNode res = new ObjectMapper().readTree(out.resolve(FineTune.RESULTS).toFile());
        assertTrue(res.get("best_acc1").asDouble() >= 0 && res.get("final_acc5").asDouble() == 100.0);
        assertEquals(1, res.get("args").get("warmup_epochs").asInt(), "default warm-up: half of a 2-epoch run");
        Run again = run(args("--image_size", "16", "--epochs", "2", "--output_dir", out.toString()));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("resumed from"), again.out());
        assertEquals(2, Files.readAllLines(out.resolve("log.txt")).size(), "nothing left to run");
    }

    @Test void pretrainedBackboneAtALargerCrop() throws Exception {
        Path out = dir.resolve("out-pretrained");
        Run r = run(args("--pretrained_weights", weights.toString(), "--image_size", "24", "--epochs", "1", "--warmup_epochs", "0",
                "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("from " + weights), r.out());
        Map<?, ?> best = (Map<?, ?>) PthReader.load(out.resolve(FineTune.BEST));
        Map<String, Tensor> sd = PthReader.tensors((Map<?, ?>) best.get("model"));
        assertEquals(List.of(1, 1 + 36, 32), java.util.Arrays.stream(sd.get("pos_embed").dims()).boxed().toList(), "6x6 grid at 24 px");
        assertEquals(List.of(2, 32), java.util.Arrays.stream(sd.get("head.weight").dims()).boxed().toList());
    }

    @Test void badInputsGiveOneLineErrors() {
        Path out = dir.resolve("out-bad");
        List<List<String>> bad = List.of(
                args("--image_size", "16", "--epochs", "2", "--warmup_epochs", "2", "--output_dir", out.toString()),
                args("--image_size", "16", "--layer_decay", "0", "--output_dir", out.toString()),
                args("--image_size", "16", "--mixup", "-1", "--output_dir", out.toString()),
                args("--image_size", "16", "--train_subset", "4", "--output_dir", out.toString()),
                args("--image_size", "16", "--pretrained_weights", dir.resolve("missing.pth").toString(), "--output_dir", out.toString()),
                List.of("finetune", "--arch", "vit_tiny", "--patch_size", "4", "--embed_dim", "64", "--depth", "2", "--num_heads", "2",
                        "--data_path", data.toString(), "--batch_size", "8", "--image_size", "16", "--pretrained_weights", weights.toString(),
                        "--output_dir", out.toString()));
        List<String> expect = List.of("--warmup_epochs", "--layer_decay", "--mixup", "fewer than one batch", "missing.pth", "do not fit");
        for (int i = 0; i < bad.size(); i++) {
            Run r = run(bad.get(i));
            assertEquals(1, r.code(), "case " + i + " " + bad.get(i) + ": " + r.err().lines().findFirst().orElse(""));
            String line = r.err().strip();
            assertTrue(line.startsWith("finetune: error: ") && line.contains(expect.get(i)), line);
            assertEquals(1, line.lines().count(), line);
        }
        Run r = run(List.of("finetune", "--data_path", dir.resolve("nowhere").toString(), "--image_size", "16", "--output_dir", out.toString()));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("nowhere"), r.err());
    }
}
