package org.ibot4j.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.io.LazyTensor;
import org.ibot4j.runtime.io.PickledObject;
import org.ibot4j.runtime.io.PthArchive;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The iBOT head of a full pre-training checkpoint (spec 8.1/8.2): the {@code head.*} keys of an entry such as
 * {@code teacher} ({@code module.} prefixes dropped), with the {@link HeadConfig} inferred from the tensor shapes
 * (MLP Linears {@code mlp.i.weight}, a LayerNorm when the Linears sit 3 apart, the last layers' {@code weight_v});
 * the activation comes from the checkpoint's recorded {@code act_in_head} when present, else GELU.
 */
public final class HeadWeights {
    private HeadWeights() {}

    /** Reads the head of entry {@code key} of {@code file}; errors name a missing file, a missing entry, or a missing head. */
    public static IbotHead load(Path file, String key) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "checkpoint file not found");
        try (PthArchive a = PthReader.open(file)) {
            return fromRoot(a.root(), key, file.toString());
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) throw e;
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The head from a checkpoint root object (maps of {@link Tensor} or {@link LazyTensor}). */
    public static IbotHead fromRoot(Object root, String key, String what) {
        if (!(root instanceof Map<?, ?> top)) throw new IllegalArgumentException(what + " is not a checkpoint dictionary");
        Object entry = top.get(key);
        if (!(entry instanceof Map<?, ?> dict))
            throw new IllegalArgumentException(what + " has no '" + key + "' entry (a full pre-training checkpoint is needed for the head; top-level keys: " + top.keySet() + ")");
        Map<String, Object> head = new LinkedHashMap<>();
        for (var e : dict.entrySet()) {
            String k = String.valueOf(e.getKey()).replace("module.", "");
            if (k.startsWith("head.") && (e.getValue() instanceof Tensor || e.getValue() instanceof LazyTensor)) head.put(k.substring(5), e.getValue());
        }
        if (head.isEmpty()) throw new IllegalArgumentException(what + " has no iBOT head in its '" + key + "' entry (no head.* keys; a backbone-only file cannot give pattern logits)");
        HeadConfig cfg = infer(head, actOf(top.get("args")));
        IbotHead model = new IbotHead(cfg, new Rng(0));
        LinkedHashMap<String, Tensor> own = model.stateDict();
        StringBuilder problems = new StringBuilder();
        for (var e : own.entrySet()) {
            Object src = head.get(e.getKey());
            if (src == null && cfg.sharedHead() && e.getKey().startsWith("last_layer2.")) src = head.get(e.getKey().replace("last_layer2.", "last_layer."));
            if (src == null) problems.append(" missing head.").append(e.getKey()).append(';');
            else if (!shape(src).equals(e.getValue().shape()))
                problems.append(" head.").append(e.getKey()).append(" is ").append(shape(src)).append(", expected ").append(e.getValue().shape()).append(';');
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("the head in " + what + " does not fit the inferred " + cfg + ":" + problems);
        try (var ng = GradMode.noGrad()) {
            for (var e : own.entrySet()) {
                Object src = head.get(e.getKey());
                if (src == null) src = head.get(e.getKey().replace("last_layer2.", "last_layer."));
                if (src instanceof LazyTensor lt) lt.readInto(e.getValue());
                else e.getValue().copyFrom((Tensor) src);
            }
        }
        model.eval();
        return model;
    }

    /** The config the head tensors describe ({@code act} given); shared when there is no separate {@code last_layer2} of its own. */
    static HeadConfig infer(Map<String, Object> head, String act) {
        TreeMap<Integer, Shape> linears = new TreeMap<>();
        boolean ln = false;
        for (var e : head.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("mlp.") && k.endsWith(".weight")) {
                String mid = k.substring(4, k.length() - 7);
                if (!mid.chars().allMatch(Character::isDigit) || mid.isEmpty()) continue;
                Shape s = shape(e.getValue());
                if (s.rank() == 2) linears.put(Integer.parseInt(mid), s);
                else ln = true;
            }
        }
        Shape v = head.containsKey("last_layer.weight_v") ? shape(head.get("last_layer.weight_v")) : null;
        if (v == null || v.rank() != 2) throw new IllegalArgumentException("head has no weight-normalised last_layer (head.last_layer.weight_v)");
        int outDim = v.dim(0), bottleneck = v.dim(1);
        Shape v2 = head.containsKey("last_layer2.weight_v") ? shape(head.get("last_layer2.weight_v")) : v;
        boolean shared = !head.containsKey("last_layer2.weight_v") || sameTensor(head.get("last_layer.weight_v"), head.get("last_layer2.weight_v"));
        int inDim, hidden, nlayers;
        if (head.get("mlp.weight") != null) {
            Shape s = shape(head.get("mlp.weight"));
            inDim = s.dim(1);
            hidden = bottleneck;
            nlayers = 1;
        } else {
            if (linears.isEmpty()) throw new IllegalArgumentException("head has no MLP weights (head.mlp.N.weight)");
            inDim = linears.firstEntry().getValue().dim(1);
            hidden = linears.firstEntry().getValue().dim(0);
            nlayers = linears.size();
            if (nlayers == 1) hidden = bottleneck;
        }
        return new HeadConfig(inDim, outDim, v2.dim(0), nlayers, hidden, bottleneck, act, ln ? "ln" : null, true, shared);
    }

    private static boolean sameTensor(Object a, Object b) {
        if (a == b) return true;
        if (a instanceof LazyTensor la && b instanceof LazyTensor lb)
            return la.storageKey().equals(lb.storageKey()) && la.storageOffset() == lb.storageOffset() && la.shape().equals(lb.shape());
        if (a instanceof Tensor ta && b instanceof Tensor tb)
            return ta.shape().equals(tb.shape()) && java.util.Arrays.equals(ta.toArray(), tb.toArray());
        return false;
    }

    private static String actOf(Object args) {
        if (args instanceof PickledObject po) args = po.state();
        if (args instanceof Map<?, ?> m && m.get("act_in_head") instanceof String s && !s.isBlank()) return s;
        return "gelu";
    }

    private static Shape shape(Object t) { return t instanceof LazyTensor lt ? lt.shape() : ((Tensor) t).shape(); }
}
