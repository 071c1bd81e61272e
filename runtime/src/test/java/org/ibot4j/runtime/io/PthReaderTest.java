package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads checkpoints written by torch.save (tools/make_io_fixtures.py) and compares every value exactly. */
class PthReaderTest {
    @TempDir Path tmp;

    @Test
    void stateDictInOrderWithExactValues() throws IOException {
        Object root = PthReader.load(IoFixtures.dir("state_dict").resolve("model.pth"));
        Map<?, ?> sd = assertInstanceOf(Map.class, root);
        List<String> keys = new ArrayList<>();
        IoFixtures.manifest("state_dict").get("meta").get("keys").forEach(k -> keys.add(k.asText()));
        assertEquals(keys, new ArrayList<>(PthReader.tensors(sd).keySet()));
        IoFixtures.assertAllTensors("state_dict", root);
    }

    @Test
    void protocol4OpcodesAndPlainValues() throws IOException {
        Object root = PthReader.load(IoFixtures.dir("protocol4").resolve("model.pth"));
        IoFixtures.assertAllTensors("protocol4", root);
        Map<?, ?> m = (Map<?, ?>) root;
        assertEquals(7L, m.get("n"));
        assertEquals("p4", m.get("name"));
        assertEquals(List.of(1.5), ((List<?>) m.get("pair")).subList(0, 1));
        assertNull(((List<?>) m.get("pair")).get(1));
        assertEquals(List.of(true, false), m.get("flags"));
        assertEquals(List.of("w", "b"), new ArrayList<>(PthReader.tensors(m).keySet()));
    }

    @Test
    void fullTrainingCheckpoint() throws IOException {
        Object root = PthReader.load(IoFixtures.dir("checkpoint").resolve("checkpoint.pth"));
        IoFixtures.assertAllTensors("checkpoint", root);
        JsonNode meta = IoFixtures.manifest("checkpoint").get("meta");
        Map<?, ?> ck = (Map<?, ?>) root;
        assertEquals(3L, ck.get("epoch"));
        PickledObject args = assertInstanceOf(PickledObject.class, ck.get("args"));
        assertEquals("argparse.Namespace", args.qualifiedName());
        Map<?, ?> state = assertInstanceOf(Map.class, args.state());
        assertEquals("vit_tiny", state.get("arch"));
        assertEquals(4L, state.get("patch_size"));
        assertEquals(0.0005, state.get("lr"));
        assertEquals(false, state.get("use_fp16"));
        assertEquals(List.of(0.14, 1.0), state.get("global_crops_scale"));
        assertEquals(List.of(0.0, 0.3), state.get("pred_ratio"));
        assertTrue(state.containsKey("clip_grad"));
        assertNull(state.get("clip_grad"));
        assertEquals(meta.get("args").size(), state.size());
        // optimizer: int keys in 'state', plain param groups
        Map<?, ?> opt = (Map<?, ?>) ck.get("optimizer");
        Map<?, ?> optState = (Map<?, ?>) opt.get("state");
        assertTrue(optState.containsKey(0L));
        Map<?, ?> group = (Map<?, ?>) ((List<?>) opt.get("param_groups")).get(0);
        assertEquals(meta.get("param_group").get("lr").asDouble(), group.get("lr"));
        assertEquals(meta.get("param_group").get("weight_decay").asDouble(), group.get("weight_decay"));
        assertEquals(List.of(0.9, 0.999), group.get("betas"));
        assertEquals(meta.get("param_group").get("params").size(), ((List<?>) group.get("params")).size());
        assertEquals(0L, ((List<?>) group.get("params")).get(0));
    }

    @Test
    void everyStorageDtypeConvertsToFloat32() throws IOException {
        Object root = PthReader.load(IoFixtures.dir("dtypes").resolve("dtypes.pth"));
        IoFixtures.assertAllTensors("dtypes", root);
        Tensor scalar = (Tensor) ((Map<?, ?>) root).get("scalar");
        assertEquals(0, scalar.rank());
        assertEquals(2.5f, scalar.item());
    }

    @Test
    void viewsKeepOffsetsStridesAndSharedStorage() throws IOException {
        Object root = PthReader.load(IoFixtures.dir("views").resolve("views.pth"));
        IoFixtures.assertAllTensors("views", root);
        Map<?, ?> m = (Map<?, ?>) root;
        Tensor base = (Tensor) m.get("base"), tail = (Tensor) m.get("tail"), t = (Tensor) m.get("transposed");
        assertSame(base.storage(), tail.storage(), "views of one storage share it after loading");
        assertSame(base.storage(), t.storage());
        assertEquals(4, tail.offset());
        assertTrue(!t.isContiguous());
    }

    @Test
    void anyArchivePrefixAndDeflatedEntries() throws IOException {
        IoFixtures.assertAllTensors("prefix", PthReader.load(IoFixtures.dir("prefix").resolve("renamed.pth")));
        IoFixtures.assertAllTensors("deflated", PthReader.load(IoFixtures.dir("deflated").resolve("deflated.pth")));
    }

    @Test
    void forbiddenGlobalIsRefusedByName() {
        Path evil = IoFixtures.dir("evil").resolve("evil.pth");
        IOException e = assertThrows(IOException.class, () -> PthReader.load(evil));
        assertTrue(e.getMessage().contains("refusing to load unknown global 'posix.system'")
                || e.getMessage().contains("refusing to load unknown global 'os.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("evil.pth"), e.getMessage());
        Path evilOs = IoFixtures.dir("evil").resolve("evil_os.pth");
        e = assertThrows(IOException.class, () -> PthReader.load(evilOs));
        assertTrue(e.getMessage().contains("refusing to load unknown global 'os.system'"), e.getMessage());
    }

    @Test
    void truncatedFilesFailClearly() throws IOException {
        byte[] full = Files.readAllBytes(IoFixtures.dir("state_dict").resolve("model.pth"));
        for (int cut : new int[] {full.length - 10, full.length / 2, 100, 10}) {
            Path p = tmp.resolve("cut" + cut + ".pth");
            Files.write(p, java.util.Arrays.copyOf(full, cut));
            IOException e = assertThrows(IOException.class, () -> PthReader.load(p), "cut at " + cut);
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().matches("(?s).*(truncated|not a zip|corrupt).*"), e.getMessage());
        }
    }

    @Test
    void notAZipOrNoPickleFailsClearly() throws IOException {
        Path junk = tmp.resolve("junk.pth");
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Files.write(junk, noise);
        IOException e = assertThrows(IOException.class, () -> PthReader.load(junk));
        assertTrue(e.getMessage().contains("junk.pth") && e.getMessage().contains("not a zip"), e.getMessage());

        Path zip = tmp.resolve("other.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("x/readme.txt"));
            out.write("hello".getBytes());
            out.closeEntry();
        }
        e = assertThrows(IOException.class, () -> PthReader.load(zip));
        assertTrue(e.getMessage().contains("no data.pkl"), e.getMessage());

        IOException missing = assertThrows(IOException.class, () -> PthReader.load(tmp.resolve("nope.pth")));
        assertTrue(missing.getMessage().contains("nope.pth"), missing.getMessage());
    }

    @Test
    void tensorsKeepsOnlyTensorValuesInOrder() {
        Map<Object, Object> m = new java.util.LinkedHashMap<>();
        m.put("b", Tensor.scalar(1));
        m.put("epoch", 3L);
        m.put("a", Tensor.scalar(2));
        assertEquals(List.of("b", "a"), new ArrayList<>(PthReader.tensors(m).keySet()));
    }
}
