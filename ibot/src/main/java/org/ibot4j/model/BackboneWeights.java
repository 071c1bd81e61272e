package org.ibot4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.io.LazyTensor;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Puts checkpoint weights into a {@link Backbone} and pulls backbone state dicts out of checkpoints
 * (spec 8.4).
 *
 * <p>A checkpoint is given as the root object a reader returns: a {@code Map<String, Object>} from the
 * {@code .pth} reader (nested dicts as maps, tensors as {@link Tensor}, anything else as some other object),
 * the same with {@link LazyTensor}s from a lazily opened checkpoint ({@code PthReader.open}: the values are then
 * converted straight from the mapped file into the model's parameters, never held twice), or a flat
 * {@code Map<String, Tensor>} from safetensors. Loading follows the reference evaluation loaders:
 * take {@code root[checkpointKey]} when present, unwrap a {@code state_dict} wrapper, delete every
 * {@code module.} and {@code backbone.} substring from key names, and drop {@code head.*}. Then, unlike the
 * reference (which loads non-strictly), loading is strict by default: every model key must be present with
 * its shape and no other key may remain, else the error lists all missing, unexpected and mis-shaped keys.
 * Two tolerances: {@code masked_embed} is optional both ways (a model with the token keeps its zero init
 * when the checkpoint has none; a checkpoint's token is ignored by a model without one), and a
 * {@code pos_embed} made for another image size is resampled to the model's grid (spec 4.1.1, CLS row kept).
 */
public final class BackboneWeights {
    private static final String MASK_KEY = "masked_embed", POS_KEY = "pos_embed";

    private BackboneWeights() {}

    /**
     * What a load did: model keys the checkpoint lacked, checkpoint keys the model does not have, keys whose
     * shapes disagree (with both shapes), keys dropped on purpose (heads, an unused mask token), and whether
     * {@code pos_embed} was resampled. In non-strict mode missing, unexpected and mis-shaped keys are skipped.
     */
    public record Report(List<String> missing, List<String> unexpected, List<String> misShaped, List<String> ignored,
                         boolean posEmbedResized) {
        /** True when every model key was loaded and nothing unexpected remained. */
        public boolean clean() { return missing.isEmpty() && unexpected.isEmpty() && misShaped.isEmpty(); }

        /** A multi-line listing of the problems (empty when clean). */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            if (!missing.isEmpty()) sb.append("\n  missing keys (").append(missing.size()).append("): ").append(String.join(", ", missing));
            if (!unexpected.isEmpty()) sb.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(String.join(", ", unexpected));
            if (!misShaped.isEmpty()) sb.append("\n  size mismatch (").append(misShaped.size()).append("): ").append(String.join(", ", misShaped));
            return sb.toString();
        }
    }

    /** Strict load of {@code root} (optionally selecting {@code checkpointKey}: {@code student}, {@code teacher} or null). */
    public static Report load(Backbone model, Object root, String checkpointKey) { return load(model, root, checkpointKey, true); }

    /**
     * Loads {@code root} into {@code model} in place. Strict: throws {@link IllegalArgumentException} listing
     * every missing, unexpected and mis-shaped key, copying nothing. Non-strict: copies what matches and returns
     * the report.
     */
    public static Report load(Backbone model, Object root, String checkpointKey, boolean strict) {
        List<String> ignored = new ArrayList<>();
        LinkedHashMap<String, Object> state = entries(root, checkpointKey, ignored);
        LinkedHashMap<String, Tensor> own = model.stateDict();
        boolean resized = false;
        Object pos = state.get(POS_KEY);
        Tensor ownPos = own.get(POS_KEY);
        if (pos != null && ownPos != null && model instanceof VisionTransformer vit) {
            Shape ps = shapeOf(pos);
            if (!ps.equals(ownPos.shape()) && ps.rank() == 3 && ps.dim(2) == ownPos.dim(2) && isSquareTable(ps)) {
                int g = vit.config().gridSize();
                try (var ng = GradMode.noGrad()) { state.put(POS_KEY, PosEmbed.resize(tensorOf(pos).detach(), g, g)); } // small: read eagerly
                resized = true;
            }
        }
        if (!own.containsKey(MASK_KEY) && state.containsKey(MASK_KEY)) { state.remove(MASK_KEY); ignored.add(MASK_KEY); }
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>();
        LinkedHashMap<String, Object> usable = new LinkedHashMap<>();
        for (var e : own.entrySet()) {
            Object src = state.get(e.getKey());
            if (src == null) { if (!e.getKey().equals(MASK_KEY)) missing.add(e.getKey()); }
            else if (!shapeOf(src).equals(e.getValue().shape()))
                misShaped.add(e.getKey() + " (checkpoint " + shapeOf(src) + ", model " + e.getValue().shape() + ")");
            else usable.put(e.getKey(), src);
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        Report report = new Report(List.copyOf(missing), List.copyOf(unexpected), List.copyOf(misShaped), List.copyOf(ignored), resized);
        if (strict && !report.clean())
            throw new IllegalArgumentException("checkpoint does not fit this " + model.describe() + (checkpointKey != null ? " (checkpoint key '" + checkpointKey + "')" : "") + ":" + report.describe());
        try (var ng = GradMode.noGrad()) {
            // in place, in state-dict order (tensor identity kept; for a shared sub-module the last name wins)
            for (var e : own.entrySet()) {
                Object src = usable.get(e.getKey());
                if (src instanceof LazyTensor lt) lt.readInto(e.getValue());
                else if (src instanceof Tensor t && t != e.getValue()) e.getValue().copyFrom(t);
            }
        }
        return report;
    }

    /**
     * The backbone state dict as the reference evaluation loaders see it: {@code root[checkpointKey]} if present,
     * a {@code state_dict} wrapper unwrapped, {@code module.}/{@code backbone.} deleted from key names, {@code head.*}
     * dropped, non-tensor entries skipped. Fails when no tensor is left, naming the top-level keys found.
     * {@link LazyTensor} values of a lazily opened checkpoint are read here (use {@link #backboneShapes} to look
     * without reading).
     */
    public static LinkedHashMap<String, Tensor> backboneState(Object root, String checkpointKey) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        entries(root, checkpointKey, new ArrayList<>()).forEach((k, v) -> out.put(k, tensorOf(v)));
        return out;
    }

    /** The shapes of the entries {@link #backboneState} would return, in order, without reading any values. */
    public static LinkedHashMap<String, Shape> backboneShapes(Object root, String checkpointKey) {
        LinkedHashMap<String, Shape> out = new LinkedHashMap<>();
        entries(root, checkpointKey, new ArrayList<>()).forEach((k, v) -> out.put(k, shapeOf(v)));
        return out;
    }

    /** The key selection of {@link #backboneState}, values left as they are ({@link Tensor} or {@link LazyTensor}). */
    private static LinkedHashMap<String, Object> entries(Object root, String checkpointKey, List<String> ignored) {
        Map<?, ?> dict = select(root, checkpointKey);
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (var e : dict.entrySet()) {
            Object t = e.getValue();
            if (!(e.getKey() instanceof String k) || !isTensor(t)) continue;
            String name = k.replace("module.", "").replace("backbone.", "");
            if (name.startsWith("head.")) { ignored.add(k); continue; }
            if (out.put(name, t) != null) throw new IllegalArgumentException("checkpoint keys collide after removing 'module.'/'backbone.': " + name);
        }
        if (out.isEmpty())
            throw new IllegalArgumentException("no backbone tensors found in the checkpoint" + keysHint(root, checkpointKey));
        return out;
    }

    /**
     * The fine-tuning extraction (spec 8.4, {@code extract_backbone_weights.py} of the classification code):
     * {@code root[checkpointKey]} (or the root itself when it has no such entry but holds tensors), keeping only
     * keys starting with {@code module.backbone.} or {@code backbone.}, stripped of that prefix, in order.
     * Fails when no backbone key is found. {@link LazyTensor} values are read.
     */
    public static LinkedHashMap<String, Tensor> extract(Object root, String checkpointKey) {
        Map<?, ?> dict = asMap(root);
        if (checkpointKey != null && dict.get(checkpointKey) instanceof Map<?, ?> sub) dict = sub;
        else if (checkpointKey != null && !hasTensors(dict))
            throw new IllegalArgumentException("checkpoint has no '" + checkpointKey + "' entry" + keysHint(root, null));
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (var e : dict.entrySet()) {
            if (!(e.getKey() instanceof String k) || !isTensor(e.getValue())) continue;
            String name = k.startsWith("module.backbone.") ? k.substring(16) : k.startsWith("backbone.") ? k.substring(9) : null;
            if (name != null) out.put(name, tensorOf(e.getValue())); // a lazy value is read here
        }
        if (out.isEmpty())
            throw new IllegalArgumentException("no 'backbone.' or 'module.backbone.' keys found" + (checkpointKey != null ? " under '" + checkpointKey + "'" : "") + keysHint(root, checkpointKey));
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private static Map<?, ?> select(Object root, String checkpointKey) {
        Map<?, ?> dict = asMap(root);
        if (checkpointKey != null && dict.get(checkpointKey) instanceof Map<?, ?> sub) dict = sub;
        if (!hasTensors(dict) && dict.get("state_dict") instanceof Map<?, ?> sd) dict = sd;
        return dict;
    }

    private static Map<?, ?> asMap(Object root) {
        if (root instanceof Map<?, ?> m) return m;
        throw new IllegalArgumentException("a checkpoint must be a dict of tensors or of state dicts, got " + (root == null ? "null" : root.getClass().getSimpleName()));
    }

    private static boolean hasTensors(Map<?, ?> m) {
        for (Object v : m.values()) if (isTensor(v)) return true;
        return false;
    }

    private static boolean isTensor(Object v) { return v instanceof Tensor || v instanceof LazyTensor; }

    private static Shape shapeOf(Object v) { return v instanceof LazyTensor lt ? lt.shape() : ((Tensor) v).shape(); }

    private static Tensor tensorOf(Object v) { return v instanceof LazyTensor lt ? lt.read() : (Tensor) v; }

    private static boolean isSquareTable(Shape pos) {
        int p = pos.dim(1) - 1;
        int s = (int) Math.round(Math.sqrt(Math.max(p, 0)));
        return pos.dim(0) == 1 && p > 0 && s * s == p;
    }

    private static String keysHint(Object root, String checkpointKey) {
        List<String> keys = new ArrayList<>();
        if (root instanceof Map<?, ?> m) for (Object k : m.keySet()) { keys.add(String.valueOf(k)); if (keys.size() == 20) { keys.add("..."); break; } }
        String hint = "; top-level keys: " + keys;
        if (checkpointKey != null && root instanceof Map<?, ?> m && !m.containsKey(checkpointKey)) hint += " (no '" + checkpointKey + "' entry)";
        return hint;
    }

}
