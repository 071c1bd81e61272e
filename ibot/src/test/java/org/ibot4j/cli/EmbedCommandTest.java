package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.ImageFiles;
import org.ibot4j.model.Backbone;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.io.Npy;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.io.SafeTensors;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ibot embed} in-process on a tiny ViT (32 px, patch 8, dim 16, depth 2, 2 heads) with perturbed random
 * weights saved as .pth and .safetensors: outputs have the documented shapes and equal the model run directly
 * (CLS, all tokens, attention, an interpolated non-square size, a folder of PNGs through the eval transform);
 * bad inputs fail with a non-zero exit and a message naming the problem.
 */
class EmbedCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        PrintStream oldOut = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return new Run(cl.execute(args), out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    static final VitConfig TINY = new VitConfig(32, 8, 3, 16, 2, 2, 4.0, true, 0f, 1e-6f, false);
    static final String[] ARCH = {"--arch", "vit_tiny", "--patch_size", "8", "--embed_dim", "16", "--depth", "2", "--num_heads", "2"};

    @TempDir static Path dir;
    static VisionTransformer model;
    static Path pth, safetensors, fullCkpt;

    /** The tiny model with every parameter perturbed (non-zero biases, non-unit norms) so a wrong mapping shows. */
    static VisionTransformer tinyModel() {
        VisionTransformer m = new VisionTransformer(TINY, new Rng(7));
        Rng rng = new Rng(11);
        try (var ng = GradMode.noGrad()) {
            for (Tensor t : m.stateDict().values()) t.addInPlace(Tensor.randn(rng, t.dims()).mul(0.2f));
        }
        m.eval();
        return m;
    }

    @BeforeAll static void weights() throws IOException {
        model = tinyModel();
        LinkedHashMap<String, Tensor> state = model.stateDict();
        pth = dir.resolve("backbone.pth");
        PthWriter.save(pth, state);
        safetensors = dir.resolve("backbone.safetensors");
        SafeTensors.save(safetensors, state, Map.of());
        LinkedHashMap<String, Object> teacher = new LinkedHashMap<>();
        for (var e : state.entrySet()) teacher.put("backbone." + e.getKey(), e.getValue());
        teacher.put("head.mlp.0.weight", Tensor.zeros(4, 16));
        LinkedHashMap<String, Object> root = new LinkedHashMap<>();
        root.put("teacher", teacher);
        fullCkpt = dir.resolve("checkpoint.pth");
        PthWriter.save(fullCkpt, root);
    }

    static String[] args(String... rest) {
        String[] a = new String[ARCH.length + rest.length + 1];
        a[0] = "embed";
        System.arraycopy(ARCH, 0, a, 1, ARCH.length);
        System.arraycopy(rest, 0, a, 1 + ARCH.length, rest.length);
        return a;
    }

    static Backbone.Output direct(Tensor x) {
        try (var ng = GradMode.noGrad()) { return model.forward(x, null, true); }
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.dims(), actual.dims(), what + " shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++)
            assertEquals(e[i], a[i], 1e-5 * Math.max(1, Math.abs(e[i])), what + " at " + i);
    }

    @Test void npyBatchGivesClsAllTokensAndAttention() throws IOException {
        Tensor x = Tensor.randn(new Rng(3), 3, 3, 32, 32);
        Path in = dir.resolve("batch.npy");
        Npy.save(in, x);
        Backbone.Output ref = direct(x);
        for (Path w : List.of(pth, safetensors, fullCkpt)) {
            Path out = dir.resolve("cls-" + w.getFileName() + ".npy");
            Run r = run(args("--pretrained_weights", w.toString(), "--input", in.toString(), "--output", out.toString(), "--batch_size", "2"));
            assertEquals(0, r.code(), r.err());
            assertClose(ref.cls(), Npy.load(out), "CLS with " + w.getFileName());
        }
        Path all = dir.resolve("all.npy");
        Run r = run(args("--pretrained_weights", pth.toString(), "--input", in.toString(), "--output", all.toString(), "--all_tokens"));
        assertEquals(0, r.code(), r.err());
        assertClose(ref.allTokens(), Npy.load(all), "all tokens");
        assertArrayEquals(new int[] {3, 17, 16}, Npy.load(all).dims());
        Path att = dir.resolve("att.npy");
        r = run(args("--pretrained_weights", pth.toString(), "--input", in.toString(), "--output", att.toString(), "--attention", "--batch_size", "1"));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new int[] {3, 2, 17, 17}, Npy.load(att).dims());
        assertClose(ref.attention(), Npy.load(att), "attention");
        assertFalse(Files.exists(EmbedCommand.filesListPath(att)), "no file list for a .npy input");
    }

    @Test void otherInputSizesInterpolatePositionEmbeddings() throws IOException {
        Tensor x = Tensor.randn(new Rng(4), 2, 3, 24, 40);
        Path in = dir.resolve("wide.npy");
        Npy.save(in, x);
        Path out = dir.resolve("wide-all.npy");
        Run r = run(args("--pretrained_weights", pth.toString(), "--input", in.toString(), "--output", out.toString(), "--all_tokens"));
        assertEquals(0, r.code(), r.err());
        Tensor got = Npy.load(out);
        assertArrayEquals(new int[] {2, 1 + 3 * 5, 16}, got.dims());
        assertClose(direct(x).allTokens(), got, "all tokens at 24x40");
    }

    @Test void folderOfImagesUsesTheEvalTransformAndListsRows() throws IOException {
        Path images = dir.resolve("images");
        Files.createDirectories(images.resolve("sub"));
        Rng rng = new Rng(5);
        List<Path> files = List.of(images.resolve("a.png"), images.resolve("b.png"), images.resolve("sub/c.png"));
        int[][] sizes = {{50, 40}, {37, 61}, {36, 36}};
        for (int i = 0; i < files.size(); i++) {
            BufferedImage img = new BufferedImage(sizes[i][0], sizes[i][1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++)
                for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, (int) (rng.nextLong() & 0xffffff));
            assertTrue(ImageIO.write(img, "png", files.get(i).toFile()));
        }
        Path out = dir.resolve("folder.npy");
        Run r = run(args("--pretrained_weights", pth.toString(), "--input", images.toString(), "--output", out.toString(),
                "--image_size", "32", "--batch_size", "2"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("3/3 images"), r.err());
        Tensor got = Npy.load(out);
        assertArrayEquals(new int[] {3, 16}, got.dims());
        List<Tensor> xs = new ArrayList<>();
        for (Path f : files) xs.add(EvalTransform.forCrop(32).apply(ImageFiles.read(f)).reshape(1, 3, 32, 32));
        assertClose(direct(Tensor.concat(xs, 0)).cls(), got, "CLS of folder images");
        List<String> rows = Files.readAllLines(EmbedCommand.filesListPath(out));
        assertEquals(List.of("a.png", "b.png", "sub" + java.io.File.separator + "c.png"), rows);
    }

    @Test void helpDocumentsTheCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("embed") && r.out().contains("extract_backbone"), r.out());
        r = run("embed", "--help");
        assertEquals(0, r.code());
        for (String opt : List.of("--pretrained_weights", "--checkpoint_key", "--input", "--output", "--all_tokens", "--attention",
                "--image_size", "--batch_size", "--embed_dim", "--depth", "--num_heads"))
            assertTrue(r.out().contains(opt), opt + " in " + r.out());
    }

    @Test void badInputsAreClearErrors() throws IOException {
        Path in = dir.resolve("ok.npy");
        Npy.save(in, Tensor.randn(new Rng(6), 1, 3, 32, 32));
        Path out = dir.resolve("never.npy");

        Run r = run(args("--pretrained_weights", dir.resolve("missing.pth").toString(), "--input", in.toString(), "--output", out.toString()));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("missing.pth"), r.err());

        r = run(args("--pretrained_weights", pth.toString(), "--input", dir.resolve("nothere.npy").toString(), "--output", out.toString()));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("nothere.npy"), r.err());

        Path grey = dir.resolve("grey.npy");
        Npy.save(grey, Tensor.zeros(2, 1, 32, 32));
        r = run(args("--pretrained_weights", pth.toString(), "--input", grey.toString(), "--output", out.toString()));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("[N,3,H,W]") && r.err().contains("[2, 1, 32, 32]"), r.err());

        Path flat = dir.resolve("flat.npy");
        Npy.save(flat, Tensor.zeros(3, 32));
        r = run(args("--pretrained_weights", pth.toString(), "--input", flat.toString(), "--output", out.toString()));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("[N,3,H,W]"), r.err());

        r = run("embed", "--arch", "vit_huge", "--pretrained_weights", pth.toString(), "--input", in.toString(), "--output", out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("unknown ViT architecture 'vit_huge'"), r.err());

        r = run("embed", "--arch", "vit_tiny", "--patch_size", "8", "--embed_dim", "32", "--depth", "2", "--num_heads", "2",
                "--pretrained_weights", pth.toString(), "--input", in.toString(), "--output", out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("do not fit") && r.err().contains("cls_token") && r.err().contains("blocks.0.attn.qkv.weight"), r.err());

        r = run("embed", "--arch", "vit_tiny", "--patch_size", "8", "--embed_dim", "16", "--depth", "3", "--num_heads", "2",
                "--pretrained_weights", pth.toString(), "--input", in.toString(), "--output", out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("missing") && r.err().contains("blocks.2.norm1.weight"), r.err());

        Path images = dir.resolve("broken");
        Files.createDirectories(images);
        Files.write(images.resolve("bad.png"), new byte[] {1, 2, 3, 4});
        r = run(args("--pretrained_weights", pth.toString(), "--input", images.toString(), "--output", out.toString(), "--image_size", "32"));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("bad.png"), r.err());

        r = run(args("--pretrained_weights", pth.toString(), "--input", in.toString(), "--output", out.toString(), "--all_tokens", "--attention"));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("exclusive"), r.err());

        assertFalse(Files.exists(out), "no output after failures");
    }
}
