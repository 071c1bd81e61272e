package org.ibot4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * A folder of official iBOT golden data on the test classpath: {@code manifest.json} lists tensors as
 * {@code {file, dtype, shape, sum, abs_max}}, each file raw little-endian float32 in C order. Element counts
 * and sums are checked against the manifest so a stale or truncated copy fails loudly. Each {@link #tensor}
 * call returns a fresh copy.
 */
record OfficialFixture(String dir, JsonNode meta, Map<String, float[]> data, Map<String, int[]> shapes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static OfficialFixture load(String name) {
        String dir = "/fixtures/official/" + name;
        JsonNode manifest;
        try (InputStream in = open(dir + "/manifest.json")) {
            manifest = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + "/manifest.json", e);
        }
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (var e : manifest.get("tensors").properties()) {
            JsonNode t = e.getValue();
            int[] shape = new int[t.get("shape").size()];
            int numel = 1;
            for (int i = 0; i < shape.length; i++) { shape[i] = t.get("shape").get(i).asInt(); numel *= shape[i]; }
            float[] v = readFloats(dir + "/" + t.get("file").asText(), numel);
            double s = 0, absMax = 0;
            for (float x : v) { s += x; absMax = Math.max(absMax, Math.abs(x)); }
            if (Math.abs(s - t.get("sum").asDouble()) > 1e-9 * v.length * Math.max(1, absMax) + 1e-12)
                throw new IllegalStateException(dir + ": " + e.getKey() + " sums to " + s + ", manifest says " + t.get("sum"));
            data.put(e.getKey(), v);
            shapes.put(e.getKey(), shape);
        }
        return new OfficialFixture(dir, manifest.path("meta"), data, shapes);
    }

    Tensor tensor(String key) {
        float[] v = data.get(key);
        if (v == null) throw new IllegalArgumentException(dir + " has no tensor '" + key + "'");
        return Tensor.of(v.clone(), shapes.get(key));
    }

    /** Tensors under {@code prefix/} keyed by the rest of their name (e.g. {@code state/} → the state dict). */
    Map<String, Tensor> group(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String k : data.keySet()) if (k.startsWith(prefix + "/")) out.put(k.substring(prefix.length() + 1), tensor(k));
        return out;
    }

    static byte[] resource(String path) {
        try (InputStream in = open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static float[] readFloats(String path, int numel) {
        byte[] bytes = resource(path);
        if (bytes.length != numel * Float.BYTES) throw new IllegalStateException(path + " has " + bytes.length + " bytes, expected " + numel + " floats");
        float[] out = new float[numel];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static InputStream open(String path) {
        InputStream in = OfficialFixture.class.getResourceAsStream(path);
        if (in == null) throw new IllegalStateException("missing test resource " + path);
        return in;
    }
}
