package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.io.SafeTensors;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ibot extract_backbone} on a synthetic full checkpoint {@code {student: {module.backbone.*, module.head.*},
 * teacher: {backbone.*, head.*}, epoch}}: the written .pth / .safetensors hold exactly the stripped backbone keys,
 * in order, with the right values; bad inputs fail clearly and write nothing.
 */
class ExtractBackboneCommandTest {
    @TempDir static Path dir;
    static Path ckpt;
    static final List<String> BACKBONE = List.of("cls_token", "pos_embed", "masked_embed", "patch_embed.proj.weight", "blocks.0.norm1.weight", "norm.bias");
    static final Map<String, Tensor> STUDENT = new LinkedHashMap<>(), TEACHER = new LinkedHashMap<>();

    @BeforeAll static void checkpoint() throws IOException {
        Rng rng = new Rng(9);
        LinkedHashMap<String, Object> student = new LinkedHashMap<>(), teacher = new LinkedHashMap<>();
        for (String k : BACKBONE) {
            Tensor s = Tensor.randn(rng, 2, 3), t = Tensor.randn(rng, 2, 3);
            STUDENT.put(k, s);
            TEACHER.put(k, t);
            student.put("module.backbone." + k, s);
            teacher.put("backbone." + k, t);
        }
        student.put("module.head.mlp.0.weight", Tensor.randn(rng, 4, 2));
        teacher.put("head.mlp.0.weight", Tensor.randn(rng, 4, 2));
        LinkedHashMap<String, Object> root = new LinkedHashMap<>();
        root.put("student", student);
        root.put("teacher", teacher);
        root.put("epoch", 3L);
        ckpt = dir.resolve("checkpoint.pth");
        PthWriter.save(ckpt, root);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readPth(Path p) throws IOException { return (Map<String, Object>) PthReader.load(p); }

    static void assertState(Map<String, Tensor> expected, Map<String, ?> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (var e : expected.entrySet())
            assertArrayEquals(e.getValue().toArray(), ((Tensor) actual.get(e.getKey())).toArray(), e.getKey());
    }

    @Test void teacherToPth() throws IOException {
        Path out = dir.resolve("teacher_backbone.pth");
        EmbedCommandTest.Run r = EmbedCommandTest.run("extract_backbone", ckpt.toString(), out.toString(), "--checkpoint_key", "teacher");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("6 tensors"), r.out());
        assertState(TEACHER, readPth(out));
    }

    /** When /usr/bin/python3 has torch: {@code torch.load} opens the extracted backbone with the same keys, shapes and sums. */
    @Test void pytorchLoadsTheExtractedBackbone() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Assumptions.assumeTrue(new ProcessBuilder(python.toString(), "-c", "import torch").start().waitFor() == 0, "python3 has no torch");
        Path out = dir.resolve("for_torch.pth");
        EmbedCommandTest.Run r = EmbedCommandTest.run("extract_backbone", ckpt.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        String script = "import sys, torch\n"
                + "sd = torch.load(sys.argv[1], map_location='cpu')\n"
                + "assert isinstance(sd, dict), type(sd)\n"
                + "for k, v in sd.items(): print(k, 'x'.join(map(str, v.shape)), repr(float(v.double().sum())))\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, out.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), text);
        List<String> lines = text.lines().toList();
        assertEquals(TEACHER.size(), lines.size(), text);
        int i = 0;
        for (var e : TEACHER.entrySet()) {
            String[] f = lines.get(i++).split(" ");
            assertEquals(e.getKey(), f[0], text);
            assertEquals("2x3", f[1], text);
            double sum = 0;
            for (float v : e.getValue().toArray()) sum += v;
            assertEquals(sum, Double.parseDouble(f[2]), 1e-6, e.getKey());
        }
    }

    @Test void studentToSafetensorsWithMetadata() throws IOException {
        Path out = dir.resolve("out/student.safetensors");
        EmbedCommandTest.Run r = EmbedCommandTest.run("extract_backbone", ckpt.toString(), out.toString(), "--checkpoint_key", "student");
        assertEquals(0, r.code(), r.err());
        SafeTensors.Contents c = SafeTensors.load(out);
        assertState(STUDENT, c.tensors());
        assertEquals("student", c.metadata().get("checkpoint_key"));
        assertEquals("checkpoint.pth", c.metadata().get("source"));
    }

    @Test void badInputsFailClearly() throws IOException {
        Path out = dir.resolve("never.pth");
        EmbedCommandTest.Run r = EmbedCommandTest.run("extract_backbone", dir.resolve("nope.pth").toString(), out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("nope.pth"), r.err());

        r = EmbedCommandTest.run("extract_backbone", ckpt.toString(), out.toString(), "--checkpoint_key", "ema");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("'ema'"), r.err());

        r = EmbedCommandTest.run("extract_backbone", ckpt.toString(), dir.resolve("x.bin").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(".pth or .safetensors"), r.err());

        Path junk = dir.resolve("junk.pth");
        Files.write(junk, new byte[] {1, 2, 3});
        r = EmbedCommandTest.run("extract_backbone", junk.toString(), out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("junk.pth"), r.err());
        assertFalse(Files.exists(out));
    }
}
