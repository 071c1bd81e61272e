package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors: a file written by hand in Python with several dtypes and metadata, our own files, bad headers. */
class SafeTensorsTest {
    @TempDir Path tmp;

    @Test
    void readsEveryDtypeAndMetadata() throws IOException {
        SafeTensors.Contents c = SafeTensors.load(IoFixtures.dir("safetensors").resolve("model.safetensors"));
        IoFixtures.assertAllTensors("safetensors", c.tensors());
        JsonNode meta = IoFixtures.manifest("safetensors").get("meta");
        Map<String, String> expMeta = new LinkedHashMap<>();
        meta.get("metadata").properties().forEach(e -> expMeta.put(e.getKey(), e.getValue().asText()));
        assertEquals(expMeta, c.metadata());
        List<String> order = new ArrayList<>();
        meta.get("order").forEach(n -> order.add(n.asText()));
        assertEquals(order, new ArrayList<>(c.tensors().keySet()));
    }

    @Test
    void saveThenLoadIsExact() throws IOException {
        Rng rng = new Rng(5);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.randn(rng, 3, 5));
        t.put("a_t", Tensor.randn(rng, 4, 2).transpose(0, 1));
        t.put("s", Tensor.scalar(-2.5f));
        t.put("empty", Tensor.zeros(0, 4));
        Path p = tmp.resolve("x.safetensors");
        SafeTensors.save(p, t, Map.of("epoch", "7"));
        SafeTensors.Contents c = SafeTensors.load(p);
        assertEquals(Map.of("epoch", "7"), c.metadata());
        assertEquals(t.keySet(), c.tensors().keySet());
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).dims(), c.tensors().get(k).dims(), k);
            assertArrayEquals(t.get(k).toArray(), c.tensors().get(k).toArray(), k);
        }
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to 8 bytes");
    }

    @Test
    void badFilesFailClearly() throws IOException {
        byte[] good = Files.readAllBytes(IoFixtures.dir("safetensors").resolve("model.safetensors"));
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length - 3));
        assertMessage(cut, "outside");
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertMessage(tiny, "header length");
        Path junk = tmp.resolve("junk.safetensors");
        Files.write(junk, header("{not json"));
        assertMessage(junk, "not valid JSON");
        Path dtype = tmp.resolve("dtype.safetensors");
        Files.write(dtype, header("{\"x\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}"));
        assertMessage(dtype, "unsupported dtype 'C64'");
        Path size = tmp.resolve("size.safetensors");
        Files.write(size, concat(header("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"), new byte[8]));
        assertMessage(size, "needs 12 bytes");
    }

    private static byte[] header(String json) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void assertMessage(Path p, String part) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.load(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains(part), e.getMessage());
    }
}
