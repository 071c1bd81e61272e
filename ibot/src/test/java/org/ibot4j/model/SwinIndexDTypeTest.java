package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ibot4j.cli.Main;
import org.ibot4j.runtime.io.LazyTensor;
import org.ibot4j.runtime.io.PthArchive;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.io.SafeTensors;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.optim.AdamW;
import org.ibot4j.runtime.optim.ParamGroups;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.DType;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.train.Checkpoints;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Swin's {@code relative_position_index} buffers are saved as int64, as PyTorch keeps them (spec 8.3), by the
 * pre-training checkpoint writer and by {@code extract_backbone} (.pth and .safetensors), while every other
 * tensor stays float32; each file loads strictly into a Swin again, and so does an older file holding the
 * index as float32.
 */
class SwinIndexDTypeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BackboneSpec SPEC = new BackboneSpec("swin_mini", 2, 4, null, null, null, 32, 0f, false);
    private static final String INDEX = "relative_position_index";

    @TempDir static Path dir;
    static Path ckpt;
    static Backbone teacherBackbone;

    /** A student/teacher pair as the trainer saves them: the backbone under {@code backbone}. */
    private static final class Wrapped extends Module {
        Wrapped(Backbone b) { registerModule("backbone", b); }
    }

    @BeforeAll static void pretrainingCheckpoint() throws IOException {
        Module student = new Wrapped(Backbones.create(SPEC, new Rng(1)));
        teacherBackbone = Backbones.create(SPEC, new Rng(2));
        Module teacher = new Wrapped(teacherBackbone);
        AdamW opt = new AdamW(ParamGroups.decayAndNoDecay(student.trainableTensors(), 1e-3, 0.04));
        ckpt = dir.resolve("checkpoint.pth");
        Checkpoints.save(ckpt, new Checkpoints.Contents(student, teacher, opt, Tensor.zeros(1, 8), Tensor.zeros(1, 1, 8), 1,
                new LinkedHashMap<>(Map.of("arch", "swin_mini"))));
    }

    private static List<String> indexKeys(Map<String, ?> state) {
        List<String> keys = new ArrayList<>();
        for (String k : state.keySet()) if (k.endsWith(INDEX)) keys.add(k);
        return keys;
    }

    /** Every index entry is int64 and every other entry float32, as stored in the archive. */
    private static void assertStoredTypes(Map<String, LazyTensor> state, int expectedIndexes) {
        int indexes = 0;
        for (var e : state.entrySet()) {
            boolean index = e.getKey().endsWith(INDEX);
            if (index) indexes++;
            assertEquals(index ? "int64" : "float32", e.getValue().dtype(), e.getKey());
        }
        assertEquals(expectedIndexes, indexes);
    }

    /** Strict load into a fresh Swin; the index values are the window offsets and keep their int64 mark. */
    private static void assertLoadsStrictly(Object root, String key) {
        Backbone model = Backbones.forLoading(SPEC);
        BackboneWeights.load(model, root, key);
        Map<String, Tensor> own = model.stateDict(), expected = teacherBackbone.stateDict();
        int[] offsets = SwinWindows.relativePositionIndex(4);
        for (String k : indexKeys(own)) {
            float[] got = own.get(k).toArray();
            for (int i = 0; i < offsets.length; i++) assertEquals(offsets[i], got[i], k);
            assertEquals(DType.I64, own.get(k).savedDType(), k);
        }
        if (!"student".equals(key))
            expected.forEach((k, v) -> assertArrayEquals(v.toArray(), own.get(k).toArray(), k));
    }

    @Test void pretrainingCheckpointStoresTheIndexAsInt64() throws IOException {
        int n = indexKeys(teacherBackbone.stateDict()).size();
        assertTrue(n >= 2, "swin_mini has several blocks");
        try (PthArchive a = PthReader.open(ckpt)) {
            Map<?, ?> root = (Map<?, ?>) a.root();
            assertStoredTypes(PthReader.lazyTensors((Map<?, ?>) root.get("teacher")), n);
            assertStoredTypes(PthReader.lazyTensors((Map<?, ?>) root.get("student")), n);
            assertLoadsStrictly(root, "teacher"); // lazily, straight from the mapped file
        }
        assertLoadsStrictly(PthReader.load(ckpt), "student");
    }

    @Test void extractBackboneKeepsInt64InPthAndSafetensors() throws Exception {
        int n = indexKeys(teacherBackbone.stateDict()).size();
        Path pth = dir.resolve("backbone.pth"), st = dir.resolve("backbone.safetensors");
        extract(pth);
        extract(st);
        try (PthArchive a = PthReader.open(pth)) {
            assertStoredTypes(PthReader.lazyTensors((Map<?, ?>) a.root()), n);
        }
        assertLoadsStrictly(PthReader.load(pth), null);

        byte[] raw = Files.readAllBytes(st);
        int len = (int) ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(raw, 8, len, StandardCharsets.UTF_8));
        int indexes = 0;
        for (var it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            boolean index = e.getKey().endsWith(INDEX);
            if (index) indexes++;
            assertEquals(index ? "I64" : "F32", e.getValue().get("dtype").asText(), e.getKey());
        }
        assertEquals(n, indexes);
        try (SafeTensors.Archive a = SafeTensors.open(st)) {
            assertStoredTypes(a.tensors(), n);
        }
        assertLoadsStrictly(new LinkedHashMap<String, Object>(SafeTensors.load(st).tensors()), null);
    }

    @Test void aFloat32IndexStillLoads() throws IOException {
        LinkedHashMap<String, Object> old = new LinkedHashMap<>();
        teacherBackbone.stateDict().forEach((k, v) -> old.put(k, v.contiguousCopy())); // no int64 mark: float32
        Path p = dir.resolve("float_index.pth");
        PthWriter.save(p, old);
        try (PthArchive a = PthReader.open(p)) {
            assertEquals("float32", PthReader.lazyTensors((Map<?, ?>) a.root()).get("layers.0.blocks.0.attn." + INDEX).dtype());
        }
        assertLoadsStrictly(PthReader.load(p), null);
    }

    /** When /usr/bin/python3 has torch: {@code torch.load} sees the extracted index as torch.int64. */
    @Test void pytorchSeesInt64Index() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Process check = new ProcessBuilder(python.toString(), "-c", "import torch").redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        Assumptions.assumeTrue(check.waitFor() == 0, "python3 has no torch");
        Path pth = dir.resolve("for_torch.pth");
        extract(pth);
        String script = "import sys, torch\n"
                + "sd = torch.load(sys.argv[1], map_location='cpu')\n"
                + "for k, v in sd.items(): print(k, str(v.dtype), int(v.max()) if k.endswith('relative_position_index') else '-')\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, pth.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(teacherBackbone.stateDict().size(), lines.size(), out);
        for (String line : lines) {
            String[] f = line.split(" ");
            boolean index = f[0].endsWith(INDEX);
            assertEquals(index ? "torch.int64" : "torch.float32", f[1], line);
            if (index) assertEquals("48", f[2], line); // (2w-1)^2 - 1 for w = 4
        }
    }

    private static void extract(Path out) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute("extract_backbone", ckpt.toString(), out.toString(), "--checkpoint_key", "teacher");
        assertEquals(0, code, o + "\n" + e);
    }
}
