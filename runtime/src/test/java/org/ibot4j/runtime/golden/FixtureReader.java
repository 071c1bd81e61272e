package org.ibot4j.runtime.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads golden data from the test classpath: {@code <dir>/manifest.json} lists tensors as
 * {@code {file, dtype, shape, numel, sum, abs_max}}; each file is raw little-endian float32 in C order.
 * Every tensor's element count and sum are checked against the manifest so a truncated or stale file fails
 * loudly instead of producing odd comparisons.
 */
final class FixtureReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FixtureReader() {}

    /** A case written by tools/make_runtime_fixtures.py. */
    static Fixture torch(String caseName) { return load("/fixtures/torch/" + caseName); }

    /** A folder copied from the official iBOT fixtures. */
    static Fixture official(String name) { return load("/fixtures/official/" + name); }

    static Fixture load(String dir) {
        JsonNode manifest;
        try (InputStream in = open(dir + "/manifest.json")) {
            manifest = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + "/manifest.json", e);
        }
        JsonNode tensors = manifest.get("tensors");
        if (tensors == null || !tensors.isObject()) throw new IllegalStateException(dir + "/manifest.json has no 'tensors' object");
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : tensors.properties()) {
            String key = e.getKey();
            JsonNode t = e.getValue();
            if (!"float32".equals(t.path("dtype").asText("float32")))
                throw new IllegalStateException(dir + ": tensor " + key + " has dtype " + t.get("dtype") + ", expected float32");
            int[] shape = new int[t.get("shape").size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) { shape[i] = t.get("shape").get(i).asInt(); numel *= shape[i]; }
            float[] values = readFloats(dir + "/" + t.get("file").asText(), numel);
            checkSum(dir, key, values, t);
            data.put(key, values);
            shapes.put(key, shape);
        }
        return new Fixture(dir, manifest.path("meta"), data, shapes);
    }

    private static float[] readFloats(String path, long numel) {
        byte[] bytes;
        try (InputStream in = open(path)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        if (bytes.length != numel * Float.BYTES)
            throw new IllegalStateException(path + " has " + bytes.length + " bytes, expected " + numel + " float32 values");
        float[] out = new float[(int) numel];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static void checkSum(String dir, String key, float[] v, JsonNode t) {
        if (!t.has("sum")) return;
        double s = 0, absMax = 0;
        for (float x : v) { s += x; absMax = Math.max(absMax, Math.abs(x)); }
        double expected = t.get("sum").asDouble();
        if (Math.abs(s - expected) > 1e-9 * v.length * Math.max(1, absMax) + 1e-12)
            throw new IllegalStateException(dir + ": tensor " + key + " sums to " + s + " but the manifest says " + expected);
    }

    private static InputStream open(String path) {
        InputStream in = FixtureReader.class.getResourceAsStream(path);
        if (in == null) throw new IllegalStateException("missing test resource " + path + " (regenerate with tools/make_runtime_fixtures.py)");
        return in;
    }
}
