package org.ibot4j.train;

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

/** The official two-step fixture ({@code fixtures/official/step}) on the test classpath: tensors by manifest key. */
record StepFixture(JsonNode meta, JsonNode tensors) {
    private static final String DIR = "/fixtures/official/step";

    static StepFixture load() {
        try (InputStream in = open(DIR + "/manifest.json")) {
            JsonNode m = new ObjectMapper().readTree(in);
            return new StepFixture(m.path("meta"), m.get("tensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Tensor tensor(String key) {
        JsonNode t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException("step fixture has no tensor '" + key + "'");
        int[] shape = new int[t.get("shape").size()];
        int n = 1;
        for (int i = 0; i < shape.length; i++) { shape[i] = t.get("shape").get(i).asInt(); n *= shape[i]; }
        byte[] bytes;
        try (InputStream in = open(DIR + "/" + t.get("file").asText())) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length != 4 * n) throw new IllegalStateException(key + ": " + bytes.length + " bytes for " + n + " floats");
        float[] v = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return Tensor.of(v, shape);
    }

    /** Tensors under {@code prefix/} keyed by the rest of the name. */
    Map<String, Tensor> group(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var it = tensors.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.startsWith(prefix + "/")) out.put(k.substring(prefix.length() + 1), tensor(k));
        }
        return out;
    }

    private static InputStream open(String path) {
        InputStream in = StepFixture.class.getResourceAsStream(path);
        if (in == null) throw new IllegalStateException("missing test resource " + path);
        return in;
    }
}
