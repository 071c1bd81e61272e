package org.ibot4j.runtime.golden;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * One golden-data folder read by {@link FixtureReader}: the manifest's {@code meta} and its tensors by key
 * (e.g. {@code "x"}, {@code "grad_x"}, {@code "param/norm1.weight"}). Each call to {@link #tensor} returns
 * a fresh tensor, so a test may mark it as requiring grad or update it in place.
 */
record Fixture(String dir, JsonNode meta, Map<String, float[]> data, Map<String, int[]> shapes) {

    Set<String> keys() { return data.keySet(); }

    boolean has(String key) { return data.containsKey(key); }

    /** A fresh tensor holding a copy of the stored values. */
    Tensor tensor(String key) {
        float[] v = data.get(key);
        if (v == null) throw new IllegalArgumentException("fixture " + dir + " has no tensor '" + key + "'; it has " + keys());
        return Tensor.of(v.clone(), shapes.get(key));
    }

    /** {@code meta[name]} as a list of strings (e.g. input names). */
    List<String> metaStrings(String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : metaNode(name)) out.add(n.asText());
        return out;
    }

    /** {@code meta[name]} as ints. */
    int[] metaInts(String name) {
        JsonNode n = metaNode(name);
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
        return out;
    }

    double metaDouble(String name) { return metaNode(name).asDouble(); }

    JsonNode metaNode(String name) {
        JsonNode n = meta.get(name);
        if (n == null) throw new IllegalArgumentException("fixture " + dir + " meta has no '" + name + "'");
        return n;
    }
}
