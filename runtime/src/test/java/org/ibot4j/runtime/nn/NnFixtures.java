package org.ibot4j.runtime.nn;

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

/** Reads a golden folder from the test classpath (manifest.json + raw little-endian float32 files) into tensors. */
final class NnFixtures {
    private NnFixtures() {}

    static Map<String, Tensor> load(String dir) {
        JsonNode tensors;
        try (InputStream in = open(dir + "/manifest.json")) {
            tensors = new ObjectMapper().readTree(in).get("tensors");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : tensors.properties()) {
            JsonNode shape = e.getValue().get("shape");
            int[] dims = new int[shape.size()];
            for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).asInt();
            try (InputStream in = open(dir + "/" + e.getValue().get("file").asText())) {
                ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                float[] v = new float[b.remaining() / 4];
                b.asFloatBuffer().get(v);
                out.put(e.getKey(), Tensor.of(v, dims));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }

    /** Entries whose key starts with {@code prefix}, with the prefix removed. */
    static Map<String, Tensor> strip(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> { if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), v); });
        return out;
    }

    private static InputStream open(String path) {
        InputStream in = NnFixtures.class.getResourceAsStream(path);
        if (in == null) throw new IllegalStateException("missing test resource " + path);
        return in;
    }
}
