package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ibot visualize_attention} in-process on the tiny ViT of {@link EmbedCommandTest} (32 px, patch 8, 2 heads):
 * the outputs exist and decode, the HTML inlines one heat map and one mask per head, a folder gives one page per
 * image, and bad inputs fail with one line naming the problem.
 */
class VisualizeAttentionCommandTest {
    /** The files every analysis command test uses, written into a test's own folder. */
    record Fixture(Path dir, Path backbonePth, Path fullCkpt, Path png, Path png2) {}

    @TempDir static Path dir;
    static Fixture fx;

    /** A smooth colour image of {@code w x h} with a bright square, as PNG. */
    static Path image(Path file, int w, int h, int seed) throws IOException {
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean square = Math.abs(x - w / 3 - seed) < w / 5 && Math.abs(y - h / 2) < h / 5;
                int r = square ? 250 : (x * 255 / w + seed * 40) & 0xff, g = square ? 240 : y * 255 / h, bl = square ? 30 : 120;
                b.setRGB(x, y, r << 16 | g << 8 | bl);
            }
        Files.createDirectories(file.getParent());
        ImageIO.write(b, "png", file.toFile());
        return file;
    }

    /** Writes the tiny model as a backbone .pth and as a full checkpoint whose teacher also has a shared iBOT head (K = 12). */
    static Fixture fixture(Path dir) throws IOException {
        VisionTransformer model = EmbedCommandTest.tinyModel();
        LinkedHashMap<String, Tensor> state = model.stateDict();
        Path backbonePth = dir.resolve("backbone.pth");
        PthWriter.save(backbonePth, state);
        LinkedHashMap<String, Object> teacher = new LinkedHashMap<>();
        for (var e : state.entrySet()) teacher.put("backbone." + e.getKey(), e.getValue());
        IbotHead head = new IbotHead(HeadConfig.of(16, 12, true, true).withMlp(3, 32, 8), new Rng(5));
        head.stateDict().forEach((k, v) -> teacher.put("head." + k, v));
        LinkedHashMap<String, Object> root = new LinkedHashMap<>();
        root.put("teacher", teacher);
        Path fullCkpt = dir.resolve("checkpoint.pth");
        PthWriter.save(fullCkpt, root);
        return new Fixture(dir, backbonePth, fullCkpt, image(dir.resolve("imgs/a.png"), 50, 40, 0), image(dir.resolve("imgs/sub/b.png"), 36, 36, 2));
    }

    @BeforeAll static void fixtures() throws IOException { fx = fixture(dir); }

    static String[] args(String command, String... rest) {
        String[] a = new String[EmbedCommandTest.ARCH.length + rest.length + 1];
        a[0] = command;
        System.arraycopy(EmbedCommandTest.ARCH, 0, a, 1, EmbedCommandTest.ARCH.length);
        System.arraycopy(rest, 0, a, 1 + EmbedCommandTest.ARCH.length, rest.length);
        return a;
    }

    @Test void writesHeatMapsMasksCompositeAndASelfContainedPage() throws IOException {
        Path out = dir.resolve("out1");
        var r = EmbedCommandTest.run(args("visualize_attention", "--pretrained_weights", fx.backbonePth().toString(), "--image_path", fx.png().toString(),
                "--image_size", "36", "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("img.png", "attn-head0.png", "attn-head1.png", "mask-th0.60-head0.png", "mask-th0.60-head1.png", "attn-color.png")) {
            BufferedImage b = ImageIO.read(out.resolve(f).toFile());
            assertNotNull(b, f);
            assertEquals(32, b.getWidth(), f + ": 36 px trimmed to a multiple of 8");
            assertEquals(32, b.getHeight(), f);
        }
        assertEquals(32 * (2 + 2), ImageIO.read(out.resolve("attn.png").toFile()).getWidth(), "image, composite and 2 heads");
        String html = Files.readString(out.resolve("attention.html"));
        assertEquals(2 * 2 + 2, Pattern.compile("data:image/png;base64,").matcher(html).results().count());
        assertTrue(html.contains("alt=\"head 0\"") && html.contains("alt=\"head 1\""));
        String json = Files.readString(out.resolve("attention.json"));
        assertTrue(json.contains("\"heads\": 2") && json.contains("\"grid\": [4, 4]"), json);
        // heat maps are nearest up-sampled: constant over each 8x8 cell
        BufferedImage heat = ImageIO.read(out.resolve("attn-head0.png").toFile());
        for (int cy = 0; cy < 4; cy++)
            for (int cx = 0; cx < 4; cx++)
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++) assertEquals(heat.getRGB(cx * 8, cy * 8), heat.getRGB(cx * 8 + x, cy * 8 + y));
    }

    @Test void aFolderGivesOnePagePerImageAndRandomInitIsABaseline() throws IOException {
        Path out = dir.resolve("out2");
        var r = EmbedCommandTest.run(args("visualize_attention", "--random_init", "--image_path", dir.resolve("imgs").toString(),
                "--image_size", "32", "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("a/attention.html")));
        assertTrue(Files.isRegularFile(out.resolve("sub_b/attention.html")));
        assertTrue(Files.isRegularFile(out.resolve("index.json")));
        assertTrue(Files.readString(out.resolve("index.html")).contains("href=\"sub_b/attention.html\""));
        assertTrue(r.err().contains("2/2"), r.err());
    }

    @Test void badInputsFailWithOneLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.png"), "not an image");
        for (String[] a : List.of(
                args("visualize_attention", "--pretrained_weights", fx.backbonePth().toString(), "--image_path", dir.resolve("none.png").toString()),
                args("visualize_attention", "--pretrained_weights", fx.backbonePth().toString(), "--image_path", bad.toString()),
                args("visualize_attention", "--image_path", fx.png().toString()),
                args("visualize_attention", "--pretrained_weights", bad.toString(), "--image_path", fx.png().toString()),
                args("visualize_attention", "--pretrained_weights", fx.backbonePth().toString(), "--image_path", fx.png().toString(), "--threshold", "0"))) {
            var r = EmbedCommandTest.run(a);
            assertNotEquals(0, r.code());
            assertTrue(r.err().startsWith("visualize_attention: error: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        var r = EmbedCommandTest.run(args("visualize_attention", "--image_path", fx.png().toString()));
        assertTrue(r.err().contains("--pretrained_weights"), r.err());
        r = EmbedCommandTest.run(args("visualize_attention", "--pretrained_weights", fx.backbonePth().toString(), "--image_path", bad.toString()));
        assertTrue(r.err().contains("cannot decode image"), r.err());
    }
}
