package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ibot extract_patterns} with the teacher backbone and shared head of a full checkpoint on a small folder:
 * tiles, index page and JSON are written, crops come from the image of their own row, dark crops are skipped,
 * and a checkpoint without a teacher head is refused.
 */
class ExtractPatternsCommandTest {
    @TempDir static Path dir;
    static VisualizeAttentionCommandTest.Fixture fx;

    @BeforeAll static void fixtures() throws IOException { fx = VisualizeAttentionCommandTest.fixture(dir); }

    static Path dir() { return dir; }

    static Path folder(String name, boolean dark) throws IOException {
        Path f = dir().resolve(name);
        for (int i = 0; i < 5; i++) {
            BufferedImage b = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 40; y++)
                for (int x = 0; x < 40; x++) b.setRGB(x, y, dark ? 0x0a0a0a : ((x * 6 + i * 50) & 0xff) << 16 | (y * 6) << 8 | (i * 40));
            Files.createDirectories(f);
            ImageIO.write(b, "png", f.resolve("img" + i + ".png").toFile());
        }
        return f;
    }

    static String[] args(Path data, Path out, String... more) {
        String[] base = {"--pretrained_weights", fx.fullCkpt().toString(), "--data_path", data.toString(),
                "--image_size", "32", "--topk", "4", "--show_pics", "3", "--patch_window", "3", "--batch_size", "2", "--output_dir", out.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return VisualizeAttentionCommandTest.args("extract_patterns", all);
    }

    @Test void patchPatternsAreTiledFromTheirOwnImages() throws IOException {
        Path out = dir().resolve("pat");
        var r = EmbedCommandTest.run(args(folder("bright", false), out));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("5/5 images"), r.err());
        String json = Files.readString(out.resolve("patterns.json"));
        Matcher files = Pattern.compile("\"file\": \"([^\"]+)\"").matcher(json);
        int n = 0;
        while (files.find()) {
            BufferedImage t = ImageIO.read(out.resolve(files.group(1)).toFile());
            assertNotNull(t);
            assertEquals(2 * 24, t.getWidth(), "ceil(sqrt(4)) = 2 tiles of 3x8 px");
            n++;
        }
        assertTrue(n >= 1 && n <= 3, json);
        // every shown entry names the file of its own row index
        Matcher m = Pattern.compile("\"image\": (\\d+),\\s*\"name\": \"img(\\d+)\\.png\"").matcher(json);
        int shown = 0;
        while (m.find()) { assertEquals(m.group(1), m.group(2), json); shown++; }
        assertTrue(shown > 0, json);
        assertEquals(n, Pattern.compile("data:image/png;base64,").matcher(Files.readString(out.resolve("index.html"))).results().count());
    }

    @Test void clsModeTilesWholeImagesAndDarkCropsAreSkipped() throws IOException {
        Path out = dir().resolve("pat-cls");
        var r = EmbedCommandTest.run(args(folder("bright2", false), out, "--type", "cls"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out.resolve("patterns.json")).contains("\"grid\": [1, 1]"));
        Path outDark = dir().resolve("pat-dark");
        r = EmbedCommandTest.run(args(folder("dark", true), outDark));
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(outDark.resolve("patterns.json"));
        assertTrue(!json.contains("\"patch\":"), "no crop of an all-dark image is shown: " + json);
        Matcher cand = Pattern.compile("\"candidates\": (\\d+),\\s*\"skipped_dark\": (\\d+)").matcher(json);
        assertTrue(cand.find(), json);
        assertEquals(cand.group(1), cand.group(2), json);
    }

    @Test void aHeadOfAnotherWidthIsRefusedOnOneLine() throws IOException {
        java.util.LinkedHashMap<String, Object> teacher = new java.util.LinkedHashMap<>();
        EmbedCommandTest.tinyModel().stateDict().forEach((k, v) -> teacher.put("backbone." + k, v));
        new org.ibot4j.model.IbotHead(org.ibot4j.model.HeadConfig.of(24, 12, true, true).withMlp(3, 32, 8), new org.ibot4j.runtime.random.Rng(5))
                .stateDict().forEach((k, v) -> teacher.put("head." + k, v));
        Path ckpt = dir().resolve("wide-head.pth");
        org.ibot4j.runtime.io.PthWriter.save(ckpt, java.util.Map.of("teacher", teacher));
        String[] a = args(folder("bright4", false), dir().resolve("pat-y"));
        for (int i = 0; i < a.length; i++) if (a[i].equals(fx.fullCkpt().toString())) a[i] = ckpt.toString();
        var r = EmbedCommandTest.run(a);
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("24-wide tokens") && r.err().contains("do not fit"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("a; b; c", CommandErrors.oneLine("a\n  b\r\nc\n"));
    }

    @Test void aBackboneOnlyFileIsRefused() throws IOException {
        String[] a = args(folder("bright3", false), dir().resolve("pat-x"));
        for (int i = 0; i < a.length; i++) if (a[i].equals(fx.fullCkpt().toString())) a[i] = fx.backbonePth().toString();
        var r = EmbedCommandTest.run(a);
        assertNotEquals(0, r.code());
        assertTrue(r.err().startsWith("extract_patterns: error: ") && r.err().contains("teacher"), r.err());
    }
}
