package org.ibot4j.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.ibot4j.data.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attention page's PNG, HTML (inlined data URIs) and JSON outputs exist and decode. */
class OutputsTest {
    @TempDir Path dir;

    @Test void attentionPageWritesDecodablePngsAndASelfContainedHtml() throws Exception {
        int heads = 3, g = 2, p = 4;
        byte[] rgb = new byte[8 * 8 * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 7);
        RgbImage img = new RgbImage(8, 8, rgb);
        float[][] v = {{0.1f, 0.2f, 0.3f, 0.4f}, {0.7f, 0.1f, 0.1f, 0.1f}, {0.25f, 0.25f, 0.25f, 0.25f}};
        Map<String, Object> json = AttentionPage.write(img, new AttentionMaps.Maps(heads, g, g, v), p, 0.6, dir, "test");
        assertEquals(List.of(2, 1, 3), json.get("kept_patches"));
        for (String f : List.of("img.png", "attn-head0.png", "attn-head2.png", "mask-th0.60-head1.png", "attn-color.png")) {
            BufferedImage b = ImageIO.read(dir.resolve(f).toFile());
            assertNotNull(b, f);
            assertEquals(8, b.getWidth(), f);
        }
        String html = Files.readString(dir.resolve("attention.html"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int n = 0;
        while (m.find()) {
            assertNotNull(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))), "data URI " + n + " decodes");
            n++;
        }
        assertEquals(2 * heads + 2, n, "input, composite, and a heat map and a mask per head");
        for (int h = 0; h < heads; h++) assertTrue(html.contains("alt=\"head " + h + "\""), "head " + h);
        String j = Files.readString(dir.resolve("attention.json"));
        assertTrue(j.contains("\"heads\": 3") && j.contains("\"threshold\": 0.6"), j);
        // composite: head 1 owns the top-left cell (0.7 kept), drawn in its red; the bottom-left cell (head 0's 0.3) too dim? no: head 0 normalises to its own max
        BufferedImage c = ImageIO.read(dir.resolve("attn-color.png").toFile());
        int tl = c.getRGB(1, 1);
        assertEquals(0xdc, tl >> 16 & 0xff, "top-left owned by head 1 at full intensity");
        assertTrue((c.getRGB(5, 5) & 0xff) > 100, "bottom-right owned by head 0 (blue)");
    }

    @Test void jsonWriterEscapesAndFormats() {
        String s = Json.write(Map.of("a\"b", List.of(1, 2.5, "x\n")));
        assertEquals("{\n  \"a\\\"b\": [1, 2.5, \"x\\n\"]\n}\n", s);
    }
}
