package org.ibot4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding, PIL bicubic resizing and the evaluation transform against golden outputs of PIL 9.4
 * (tools/make_data_fixtures.py): decoded RGB and resized uint8 images must be byte-identical, the normalised
 * tensor equal to float32 rounding.
 */
class EvalTransformTest {
    private static final String DIR = "/fixtures/data/";

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = EvalTransformTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IOException("missing test resource " + DIR + name);
            return in.readAllBytes();
        }
    }

    private static JsonNode manifest() throws IOException { return new ObjectMapper().readTree(resource("manifest.json")); }

    private static RgbImage decode(String name, Path tmp) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, resource(name));
        return ImageFiles.read(f);
    }

    @Test
    void decodesLikePilConvertRgb(@TempDir Path tmp) throws IOException {
        for (JsonNode e : manifest().get("eval")) {
            RgbImage img = decode(e.get("image").asText(), tmp);
            assertEquals(e.get("width").asInt(), img.width(), e.toString());
            assertEquals(e.get("height").asInt(), img.height(), e.toString());
            assertArrayEquals(resource(e.get("rgb").asText()), img.rgb(), "decoded pixels of " + e.get("image").asText());
        }
    }

    /**
     * JPEG decoding (ImageIO with the TwelveMonkeys reader) against PIL's libjpeg-turbo: the decoders may round
     * the IDCT and chroma upsampling differently, so this allows at most 2 levels per sample and prints the
     * figures; grey JPEGs have no chroma step.
     */
    @Test
    void jpegDecodesCloseToPil(@TempDir Path tmp) throws IOException {
        for (JsonNode e : manifest().get("jpeg")) {
            RgbImage img = decode(e.get("image").asText(), tmp);
            assertEquals(e.get("width").asInt(), img.width());
            assertEquals(e.get("height").asInt(), img.height());
            byte[] expected = resource(e.get("rgb").asText());
            int maxDiff = 0, differing = 0;
            for (int i = 0; i < expected.length; i++) {
                int d = Math.abs((expected[i] & 0xff) - (img.rgb()[i] & 0xff));
                maxDiff = Math.max(maxDiff, d);
                if (d != 0) differing++;
            }
            System.out.println("jpeg " + e.get("image").asText() + ": max |diff| " + maxDiff + ", " + differing + "/" + expected.length + " samples differ from PIL");
            assertTrue(maxDiff <= 2, e.get("image").asText() + " differs from PIL by up to " + maxDiff);
        }
    }

    @Test
    void resizeIsBitExactWithPil(@TempDir Path tmp) throws IOException {
        JsonNode m = manifest();
        int cases = 0;
        for (JsonNode e : m.get("resize")) {
            RgbImage img = decode(e.get("image").asText(), tmp);
            PilResize.Filter filter = e.has("filter") && e.get("filter").asText().equals("bilinear") ? PilResize.Filter.BILINEAR : PilResize.Filter.BICUBIC;
            RgbImage out = PilResize.resize(img, e.get("width").asInt(), e.get("height").asInt(), filter);
            assertArrayEquals(resource(e.get("expected").asText()), out.rgb(), "resize " + e);
            cases++;
        }
        for (JsonNode e : m.get("eval")) {
            RgbImage img = decode(e.get("image").asText(), tmp);
            RgbImage out = new EvalTransform(e.get("crop").asInt(), e.get("resize").asInt()).resized(img);
            assertEquals(e.get("resized_width").asInt(), out.width(), e.toString());
            assertEquals(e.get("resized_height").asInt(), out.height(), e.toString());
            assertArrayEquals(resource(e.get("resized").asText()), out.rgb(), "eval resize of " + e.get("image").asText());
            cases++;
        }
        assertTrue(cases >= 9, "fixture cases: " + cases);
    }

    @Test
    void evalTensorMatchesTorchvisionSemantics(@TempDir Path tmp) throws IOException {
        for (JsonNode e : manifest().get("eval")) {
            int crop = e.get("crop").asInt();
            EvalTransform t = EvalTransform.forCrop(crop);
            assertEquals(e.get("resize").asInt(), t.resize());
            Tensor x = t.apply(decode(e.get("image").asText(), tmp));
            assertArrayEquals(new int[] {3, crop, crop}, x.dims());
            ByteBuffer bb = ByteBuffer.wrap(resource(e.get("tensor").asText())).order(ByteOrder.LITTLE_ENDIAN);
            float[] expected = new float[bb.remaining() / 4];
            bb.asFloatBuffer().get(expected);
            assertArrayEquals(expected, x.toArray(), 1e-6f, "tensor of " + e.get("image").asText());
        }
    }

    @Test
    void referenceSizesFor224() {
        EvalTransform t = EvalTransform.forCrop(224);
        assertEquals(256, t.resize());
        assertEquals(110, EvalTransform.forCrop(96).resize());
        // torchvision: 500x375 -> int(256*500/375) = 341 wide, crop offsets round((341-224)/2)=58 (58.5 -> even), 16
        RgbImage img = new RgbImage(500, 375, new byte[3 * 500 * 375]);
        RgbImage r = t.resized(img);
        assertEquals(341, r.width());
        assertEquals(256, r.height());
        RgbImage c = t.centerCrop(new RgbImage(341, 256, sequential(341, 256)));
        assertEquals(58, c.rgb()[0] & 0xff, "left offset 58.5 rounds half to even");
    }

    private static byte[] sequential(int w, int h) {
        byte[] b = new byte[3 * w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) b[(y * w + x) * 3] = (byte) x;
        return b;
    }

    @Test
    void listsImagesInImageFolderOrderAndRejectsCorruptFiles(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("b/sub"));
        Files.createDirectories(tmp.resolve("a"));
        Files.write(tmp.resolve("b/sub/z.PNG"), resource("grey_33x47.png"));
        Files.write(tmp.resolve("a/y.png"), resource("grey_33x47.png"));
        Files.write(tmp.resolve("a/notes.txt"), new byte[] {1, 2});
        Files.write(tmp.resolve("c.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Files.createDirectories(tmp.resolve("a-b"));
        Files.createDirectories(tmp.resolve("a/sub"));
        Files.write(tmp.resolve("a/sub/x.png"), resource("grey_33x47.png"));
        Files.write(tmp.resolve("a-b/w.png"), resource("grey_33x47.png"));
        List<Path> files = ImageFiles.list(tmp);
        // ImageFolder order: own files first, then sub-folders by name, each fully ("a" with "a/sub" before "a-b")
        assertEquals(List.of(tmp.resolve("c.jpg"), tmp.resolve("a/y.png"), tmp.resolve("a/sub/x.png"), tmp.resolve("a-b/w.png"),
                tmp.resolve("b/sub/z.PNG")), files);
        IOException bad = assertThrows(IOException.class, () -> ImageFiles.read(tmp.resolve("c.jpg")));
        assertTrue(bad.getMessage().contains("c.jpg"), bad.getMessage());
        IOException missing = assertThrows(IOException.class, () -> ImageFiles.read(tmp.resolve("nope.png")));
        assertTrue(missing.getMessage().contains("nope.png"), missing.getMessage());
        assertThrows(IOException.class, () -> ImageFiles.list(tmp.resolve("nowhere")));
    }
}
