package org.ibot4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * A case written by {@code tools/make_swin_fixtures.py} ({@code /fixtures/swin/<case>}): the manifest's tensors
 * (raw little-endian float32, element sums checked) and its meta, from which the Swin config is rebuilt.
 */
record SwinFixture(String dir, JsonNode meta, Map<String, Tensor> tensors) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SwinFixture load(String name) {
        String dir = "/fixtures/swin/" + name;
        JsonNode manifest;
        try (InputStream in = open(dir + "/manifest.json")) { manifest = JSON.readTree(in); }
        catch (IOException e) { throw new UncheckedIOException(e); }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : manifest.get("tensors").properties()) {
            JsonNode t = e.getValue();
            int[] shape = new int[t.get("shape").size()];
            int numel = 1;
            for (int i = 0; i < shape.length; i++) { shape[i] = t.get("shape").get(i).asInt(); numel *= shape[i]; }
            byte[] bytes;
            try (InputStream in = open(dir + "/" + t.get("file").asText())) { bytes = in.readAllBytes(); }
            catch (IOException ex) { throw new UncheckedIOException(ex); }
            if (bytes.length != numel * 4) throw new IllegalStateException(dir + ": " + e.getKey() + " has " + bytes.length + " bytes, expected " + numel * 4);
            float[] v = new float[numel];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            double s = 0;
            for (float x : v) s += x;
            if (Math.abs(s - t.get("sum").asDouble()) > 1e-6 * Math.max(1, Math.abs(s)))
                throw new IllegalStateException(dir + ": " + e.getKey() + " sums to " + s + ", manifest says " + t.get("sum"));
            out.put(e.getKey(), Tensor.of(v, shape));
        }
        return new SwinFixture(dir, manifest.get("meta"), out);
    }

    Tensor tensor(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException(dir + " has no tensor '" + key + "'");
        return t.contiguousCopy();
    }

    boolean has(String key) { return tensors.containsKey(key); }

    /** Tensors under {@code prefix/}, keyed by the rest of the name. */
    Map<String, Tensor> group(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> { if (k.startsWith(prefix + "/")) out.put(k.substring(prefix.length() + 1), v.contiguousCopy()); });
        return out;
    }

    /** The config the case was made with (mask token on, no drop path). */
    SwinConfig config() {
        return new SwinConfig(meta.get("img_size").asInt(), meta.get("patch_size").asInt(), 3, meta.get("embed_dim").asInt(),
                ints(meta.get("depths")), ints(meta.get("heads")), meta.get("window_size").asInt(), 4.0, true, 0f, 1e-6f, true);
    }

    private static List<Integer> ints(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static InputStream open(String path) {
        InputStream in = SwinFixture.class.getResourceAsStream(path);
        if (in == null) throw new IllegalStateException("missing test resource " + path + " (run tools/make_swin_fixtures.py)");
        return in;
    }
}
