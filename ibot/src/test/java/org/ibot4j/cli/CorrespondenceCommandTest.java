package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** {@code ibot correspondence} on the tiny ViT: both modes write the drawing and the JSON; instance mode scores. */
class CorrespondenceCommandTest {
    @TempDir static Path dir;
    static VisualizeAttentionCommandTest.Fixture fx;

    @BeforeAll static void fixtures() throws IOException { fx = VisualizeAttentionCommandTest.fixture(dir); }

    static Path dir() { return dir; }

    @Test void classModeDrawsMatchesSideBySide() throws IOException {
        Path out = dir().resolve("corr-class");
        var r = EmbedCommandTest.run(VisualizeAttentionCommandTest.args("correspondence", "--pretrained_weights", fx.backbonePth().toString(),
                "--image1", fx.png().toString(), "--image2", fx.png2().toString(),
                "--image_size", "32", "--num_matches", "5", "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        BufferedImage b = ImageIO.read(out.resolve("correspondence.png").toFile());
        assertEquals(2 * 32 * 7, b.getWidth(), "two 32-px images, enlarged 7x to reach 224 px");
        assertEquals(32 * 7, b.getHeight());
        String json = Files.readString(out.resolve("correspondence.json"));
        assertEquals(5, Pattern.compile("\"source\": \\[").matcher(json).results().count(), json);
        assertTrue(json.contains("head-averaged CLS attention"), json);
        assertTrue(Files.readString(out.resolve("correspondence.html")).contains("data:image/png;base64,"));
    }

    @Test void instanceModeScoresMatchesAgainstTheTrackedGeometry() throws IOException {
        Path out = dir().resolve("corr-inst");
        var r = EmbedCommandTest.run(VisualizeAttentionCommandTest.args("correspondence", "--pretrained_weights", fx.backbonePth().toString(),
                "--image1", fx.png().toString(), "--mode", "instance", "--image_size", "32", "--eval_radius", "1",
                "--seed", "4", "--output_dir", out.toString()));
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(out.resolve("correspondence.json"));
        Matcher acc = Pattern.compile("\"accuracy\": ([0-9.e-]+)").matcher(json);
        assertTrue(acc.find(), json);
        double a = Double.parseDouble(acc.group(1));
        assertTrue(a >= 0 && a <= 1, json);
        assertTrue(json.contains("\"true_target\"") && json.contains("\"overlapping_patches\""), json);
        assertTrue(r.out().contains("accuracy"), r.out());
    }

    @Test void badArgumentsFail() throws IOException {
        var r = EmbedCommandTest.run(VisualizeAttentionCommandTest.args("correspondence", "--random_init", "--image1", fx.png().toString()));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("needs --image2"), r.err());
        r = EmbedCommandTest.run(VisualizeAttentionCommandTest.args("correspondence", "--random_init", "--image1", "missing.png", "--mode", "instance"));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("missing.png"), r.err());
    }
}
