package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ibot4j writes .pth / .safetensors / .npy; our readers and (when /usr/bin/python3 has torch) PyTorch and NumPy
 * read them back with the same values, checked by tools/check_roundtrip.py.
 */
class RoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    private static Map<String, Object> checkpoint() {
        Rng rng = new Rng(11);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("backbone.cls_token", Tensor.randn(rng, 1, 1, 8));
        model.put("backbone.blocks.0.attn.qkv.weight", Tensor.randn(rng, 24, 8));
        model.put("backbone.head.weight_t", Tensor.randn(rng, 8, 3).transpose(0, 1)); // non-contiguous
        model.put("backbone.scale", Tensor.scalar(0.125f));
        Tensor shared = Tensor.randn(rng, 6);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("student", model);
        root.put("epoch", 5L);
        root.put("lr", 0.0005);
        root.put("arch", "vit_small");
        root.put("flags", new ArrayList<>(Arrays.asList(true, false, null, -7L, 1L << 40, 2.5, "x")));
        root.put("ibot_loss", new LinkedHashMap<>(Map.of("center", shared)));
        root.put("center_again", shared); // the same tensor twice
        return root;
    }

    @Test
    void pthWrittenByUsReadsBackExactly() throws IOException {
        Map<String, Object> root = checkpoint();
        Path p = tmp.resolve("ck.pth");
        PthWriter.save(p, root);
        Map<?, ?> back = assertInstanceOf(Map.class, PthReader.load(p));
        assertEquals(root.keySet(), back.keySet());
        assertEquals(5L, back.get("epoch"));
        assertEquals(0.0005, back.get("lr"));
        assertEquals("vit_small", back.get("arch"));
        assertEquals(root.get("flags"), back.get("flags"));
        Map<?, ?> model = (Map<?, ?>) back.get("student");
        for (Map.Entry<String, Object> e : ((Map<String, Object>) root.get("student")).entrySet()) {
            Tensor exp = (Tensor) e.getValue(), got = (Tensor) model.get(e.getKey());
            assertArrayEquals(exp.dims(), got.dims(), e.getKey());
            assertArrayEquals(exp.toArray(), got.toArray(), e.getKey());
        }
        assertArrayEquals(((Tensor) root.get("center_again")).toArray(), ((Tensor) back.get("center_again")).toArray());
        try (ZipArchive zip = ZipArchive.open(p)) {
            for (ZipArchive.Entry e : zip.entries().values())
                if (e.name().contains("/data/")) assertEquals(0, zip.dataOffset(e) % 64, e.name() + " aligned to 64 bytes");
        }
        try (var dir = Files.list(tmp)) {
            assertEquals(List.of(p), dir.toList(), "no temporary file left behind");
        }
    }

    @Test
    void reloadedOfficialStyleCheckpointSavesAgain() throws IOException {
        Object root = PthReader.load(IoFixtures.dir("checkpoint").resolve("checkpoint.pth"));
        Path p = tmp.resolve("again.pth");
        PthWriter.save(p, root);
        IoFixtures.assertAllTensors("checkpoint", PthReader.load(p));
        PickledObject args = (PickledObject) ((Map<?, ?>) PthReader.load(p)).get("args");
        assertEquals("vit_tiny", ((Map<?, ?>) args.state()).get("arch"));
    }

    @Test
    void pytorchAndNumpyReadOurFiles() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Path script = repoRoot().resolve("tools/check_roundtrip.py");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Assumptions.assumeTrue(run(List.of(python.toString(), "-c", "import torch, numpy"), tmp) == 0, "python3 has no torch/numpy");

        Map<String, Object> root = checkpoint();
        ObjectNode manifest = JSON.createObjectNode();
        ObjectNode tensors = manifest.putObject("tensors");
        ObjectNode meta = manifest.putObject("meta");
        PthWriter.save(tmp.resolve("out.pth"), root);
        meta.set("pth_plain", JSON.valueToTree(plain(root, "pth", tensors)));

        Map<String, Tensor> st = new LinkedHashMap<>();
        ((Map<?, ?>) root.get("student")).forEach((k, v) -> st.put((String) k, (Tensor) v));
        Map<String, String> stMeta = Map.of("format", "pt", "epoch", "5");
        SafeTensors.save(tmp.resolve("out.safetensors"), st, stMeta);
        st.forEach((k, v) -> expect(tensors, "safetensors/" + k, v));
        meta.set("safetensors_metadata", JSON.valueToTree(stMeta));

        Tensor npy = Tensor.randn(new Rng(2), 3, 4, 5).transpose(0, 2);
        Npy.save(tmp.resolve("out.npy"), npy);
        expect(tensors, "npy", npy);

        // an official checkpoint read and saved again keeps its argparse Namespace for PyTorch
        PthWriter.save(tmp.resolve("again.pth"), PthReader.load(IoFixtures.dir("checkpoint").resolve("checkpoint.pth")));

        JSON.writeValue(tmp.resolve("manifest.json").toFile(), manifest);
        assertEquals(0, run(List.of(python.toString(), script.toString(), tmp.toString()), tmp), "check_roundtrip.py failed");
    }

    /** The loaded-object JSON the script compares against: tensors as "<tensor>", recorded as expected values. */
    private Object plain(Object o, String path, ObjectNode tensors) {
        if (o instanceof Tensor t) { expect(tensors, path, t); return "<tensor>"; }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> r = new LinkedHashMap<>();
            m.forEach((k, v) -> r.put(String.valueOf(k), plain(v, path + "/" + k, tensors)));
            return r;
        }
        if (o instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) r.add(plain(l.get(i), path + "/" + i, tensors));
            return r;
        }
        return o;
    }

    private void expect(ObjectNode tensors, String key, Tensor t) {
        String file = "expected_" + tensors.size() + ".bin";
        float[] v = t.toArray();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        try {
            Files.write(tmp.resolve(file), b.array());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ObjectNode n = tensors.putObject(key);
        n.put("file", file);
        n.set("shape", JSON.valueToTree(t.dims()));
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("tools/check_roundtrip.py"))) p = p.getParent();
        Assumptions.assumeTrue(p != null, "repository root (tools/check_roundtrip.py) not found from the working directory");
        return p;
    }

    private static int run(List<String> cmd, Path dir) throws Exception {
        Process proc = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(120, TimeUnit.SECONDS)) { proc.destroyForcibly(); return -1; }
        if (proc.exitValue() != 0 || cmd.get(1).endsWith(".py")) System.out.println(String.join(" ", cmd) + " ->\n" + out);
        return proc.exitValue();
    }
}
