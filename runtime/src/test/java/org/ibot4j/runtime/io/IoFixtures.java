package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The fixtures of tools/make_io_fixtures.py: a folder per case holding the file under test and, in
 * manifest.json + expected/*.bin, the float32 values a reader must produce, keyed by their path in the
 * loaded object ("student/module.backbone.cls_token").
 */
final class IoFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Expected tensor: values in row-major order and dims. */
    record Expected(float[] values, int[] dims) {}

    private IoFixtures() {}

    /** The folder of a case on disk (test resources are plain files under target/test-classes). */
    static Path dir(String caseName) {
        URL url = IoFixtures.class.getResource("/fixtures/io/" + caseName + "/manifest.json");
        assertNotNull(url, "fixture case " + caseName + " missing: run tools/make_io_fixtures.py");
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode manifest(String caseName) {
        try {
            return JSON.readTree(dir(caseName).resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Expected> expected(String caseName) {
        JsonNode tensors = manifest(caseName).get("tensors");
        Map<String, Expected> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : tensors.properties()) {
            JsonNode t = e.getValue();
            int[] dims = new int[t.get("shape").size()];
            for (int i = 0; i < dims.length; i++) dims[i] = t.get("shape").get(i).asInt();
            byte[] raw;
            try {
                raw = Files.readAllBytes(dir(caseName).resolve(t.get("file").asText()));
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
            float[] v = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            assertEquals(t.get("numel").asInt(), v.length, caseName + "/" + e.getKey() + ": size of the .bin");
            out.put(e.getKey(), new Expected(v, dims));
        }
        return out;
    }

    /** Follows a '/'-separated path through maps (keys compared as strings) and lists (indices). */
    static Object at(Object root, String path) {
        Object cur = root;
        for (String seg : path.split("/")) {
            if (cur instanceof Map<?, ?> m) {
                Object next = null;
                boolean found = false;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (String.valueOf(e.getKey()).equals(seg)) { next = e.getValue(); found = true; break; }
                }
                if (!found) throw new AssertionError("no key '" + seg + "' on the way to " + path + " (keys " + m.keySet() + ")");
                cur = next;
            } else if (cur instanceof List<?> l) {
                cur = l.get(Integer.parseInt(seg));
            } else {
                throw new AssertionError("cannot follow '" + seg + "' of " + path + " into " + cur);
            }
        }
        return cur;
    }

    /** Asserts that every expected tensor is found in {@code root} with exactly the expected values and shape. */
    static void assertAllTensors(String caseName, Object root) {
        Map<String, Expected> exp = expected(caseName);
        if (exp.isEmpty()) throw new AssertionError(caseName + ": no expected tensors");
        for (Map.Entry<String, Expected> e : exp.entrySet()) {
            Object v = at(root, e.getKey());
            Tensor t = assertInstanceOf(Tensor.class, v, e.getKey());
            assertTensor(e.getKey(), e.getValue(), t);
        }
    }

    static void assertTensor(String what, Expected exp, Tensor t) {
        assertArrayEquals(exp.dims(), t.dims(), what + ": shape");
        assertArrayEquals(exp.values(), t.toArray(), what + ": values");
    }
}
