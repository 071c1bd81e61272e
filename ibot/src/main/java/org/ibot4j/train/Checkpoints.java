package org.ibot4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.optim.AdamW;
import org.ibot4j.runtime.optim.ParamGroup;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Pre-training checkpoints in the reference layout (spec 8.1): a {@code .pth} dictionary with
 * {@code student} (keys {@code module.backbone.…}/{@code module.head.…}), {@code teacher}
 * ({@code backbone.…}/{@code head.…}), {@code optimizer} (PyTorch's {@code state_dict()} form: {@code state}
 * keyed by parameter index over the groups in order, each with {@code step}, {@code exp_avg},
 * {@code exp_avg_sq}; {@code param_groups} with {@code lr}, {@code betas}, {@code eps}, {@code weight_decay},
 * {@code amsgrad}, {@code params}), {@code epoch} (completed epochs), {@code args} (the configuration as a
 * dict) and {@code ibot_loss} ({@code center}, {@code center2}). Files are written atomically.
 */
public final class Checkpoints {
    /** Name of the rolling checkpoint. */
    public static final String LATEST = "checkpoint.pth";

    private Checkpoints() {}

    /** The numbered checkpoint kept every {@code saveckp_freq} epochs: {@code checkpoint%04d.pth}. */
    public static String numbered(int epochIndex) { return String.format("checkpoint%04d.pth", epochIndex); }

    /** Everything a checkpoint holds, as live objects. */
    public record Contents(Module student, Module teacher, AdamW optimizer, Tensor center, Tensor center2, int epoch,
                           Map<String, Object> args, LossScaler scaler) {
        /** Without a loss scaler (float32, TF32 or bf16 runs). */
        public Contents(Module student, Module teacher, AdamW optimizer, Tensor center, Tensor center2, int epoch, Map<String, Object> args) {
            this(student, teacher, optimizer, center, center2, epoch, args, null);
        }
    }

    public static void save(Path file, Contents c) throws IOException {
        LinkedHashMap<String, Object> root = new LinkedHashMap<>();
        root.put("student", prefixed("module.", c.student().stateDict()));
        root.put("teacher", new LinkedHashMap<>(c.teacher().stateDict()));
        root.put("optimizer", optimizerState(c.optimizer()));
        root.put("epoch", (long) c.epoch());
        root.put("args", c.args());
        LinkedHashMap<String, Object> loss = new LinkedHashMap<>();
        loss.put("center", c.center());
        loss.put("center2", c.center2());
        root.put("ibot_loss", loss);
        if (c.scaler() != null) root.put("fp16_scaler", c.scaler().stateDict());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        PthWriter.save(file, root);
    }

    /**
     * Restores {@code c}'s student, teacher, optimizer state and centers in place from {@code file} (each
     * non-strictly, like the reference's {@code restart_from_checkpoint}) and returns the stored epoch.
     */
    public static int restore(Path file, Contents c) throws IOException {
        Object rootObj = PthReader.load(file);
        if (!(rootObj instanceof Map<?, ?> root)) throw new IOException(file + ": not a checkpoint dictionary");
        if (root.get("student") instanceof Map<?, ?> s) c.student().loadStateDict(unprefixed("module.", PthReader.tensors(s)), false);
        if (root.get("teacher") instanceof Map<?, ?> t) c.teacher().loadStateDict(PthReader.tensors(t), false);
        if (root.get("optimizer") instanceof Map<?, ?> o) loadOptimizer(c.optimizer(), o, file);
        if (root.get("ibot_loss") instanceof Map<?, ?> l) {
            Map<String, Tensor> centers = PthReader.tensors(l);
            if (centers.containsKey("center")) c.center().copyFrom(centers.get("center"));
            if (centers.containsKey("center2")) c.center2().copyFrom(centers.get("center2"));
        }
        if (c.scaler() != null && root.get("fp16_scaler") instanceof Map<?, ?> sc) {
            try {
                c.scaler().load(sc);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
        Object epoch = root.get("epoch");
        if (!(epoch instanceof Number n)) throw new IOException(file + ": no 'epoch' entry");
        return n.intValue();
    }

    /** The PyTorch {@code optimizer.state_dict()} form of {@code opt} (also used by fine-tuning checkpoints). */
    public static LinkedHashMap<String, Object> optimizerState(AdamW opt) {
        LinkedHashMap<Long, Object> state = new LinkedHashMap<>();
        List<Object> groups = new ArrayList<>();
        long index = 0;
        for (ParamGroup g : opt.groups()) {
            List<Object> ids = new ArrayList<>();
            for (ParamGroup.Entry e : g.params()) {
                AdamW.State s = opt.state(e.tensor());
                if (s != null) {
                    LinkedHashMap<String, Object> ps = new LinkedHashMap<>();
                    ps.put("step", s.step());
                    ps.put("exp_avg", Tensor.of(s.expAvg().clone(), e.tensor().dims()));
                    ps.put("exp_avg_sq", Tensor.of(s.expAvgSq().clone(), e.tensor().dims()));
                    state.put(index, ps);
                }
                ids.add(index++);
            }
            LinkedHashMap<String, Object> gd = new LinkedHashMap<>();
            gd.put("lr", g.lr());
            gd.put("betas", List.of(opt.beta1(), opt.beta2()));
            gd.put("eps", opt.eps());
            gd.put("weight_decay", g.weightDecay());
            gd.put("amsgrad", false);
            gd.put("maximize", false);
            gd.put("params", ids);
            groups.add(gd);
        }
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        out.put("state", state);
        out.put("param_groups", groups);
        return out;
    }

    /** Installs the state of an {@link #optimizerState} dict into {@code opt} (parameters matched by index over the groups). */
    public static void loadOptimizer(AdamW opt, Map<?, ?> dict, Path file) throws IOException {
        List<Tensor> byIndex = new ArrayList<>();
        for (ParamGroup g : opt.groups()) for (ParamGroup.Entry e : g.params()) byIndex.add(e.tensor());
        if (!(dict.get("state") instanceof Map<?, ?> state)) return;
        for (var e : state.entrySet()) {
            int i = ((Number) e.getKey()).intValue();
            if (i < 0 || i >= byIndex.size())
                throw new IOException(file + ": optimizer state for parameter " + i + " but the model has " + byIndex.size());
            Map<?, ?> ps = (Map<?, ?>) e.getValue();
            Map<String, Tensor> moments = PthReader.tensors(ps);
            Object step = ps.get("step");
            long steps = step instanceof Number n ? n.longValue() : (long) moments.get("step").toArray()[0];
            Tensor p = byIndex.get(i);
            Tensor m = moments.get("exp_avg"), v = moments.get("exp_avg_sq");
            if (m == null || v == null || m.size() != p.size() || v.size() != p.size())
                throw new IOException(file + ": optimizer state of parameter " + i + " does not match its shape " + p.shape());
            opt.setState(p, new AdamW.State(steps, m.toArray(), v.toArray()));
        }
    }

    private static LinkedHashMap<String, Object> prefixed(String prefix, Map<String, Tensor> sd) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    private static Map<String, Tensor> unprefixed(String prefix, Map<String, Tensor> sd) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> out.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, v));
        return out;
    }
}
