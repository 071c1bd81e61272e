package org.ibot4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The momentum teacher (spec 7.4 step 9): a frozen model whose parameters follow the student's by an exponential
 * moving average, {@code t ← m·t + (1−m)·s}, in place, for every parameter NAME present in both models.
 *
 * <p>Names come from each model's parameter list, where a shared sub-module appears once under its first name;
 * that, with the non-strict state copy of {@link #initFrom}, reproduces the reference's shared-head quirk
 * (spec 11.2): a shared teacher head starts from the student's {@code last_layer2} (the later key wins) yet is
 * averaged with the student's {@code last_layer}. Buffers are not averaged. Frozen student parameters (a frozen
 * gain {@code g}) are averaged like the others.
 */
public final class Teacher {
    private final Module model;
    private final List<String> names;
    private final List<Tensor> studentTensors, teacherTensors;

    private Teacher(Module student, Module teacher) {
        this.model = teacher;
        Map<String, Parameter> s = student.namedParameters();
        List<String> n = new ArrayList<>();
        List<Tensor> st = new ArrayList<>(), tt = new ArrayList<>();
        for (var e : teacher.namedParameters().entrySet()) {
            Parameter sp = s.get(e.getKey());
            if (sp == null) continue;
            if (!sp.shape().equals(e.getValue().shape()))
                throw new IllegalArgumentException("teacher parameter " + e.getKey() + " has shape " + e.getValue().shape()
                        + " but the student's has " + sp.shape());
            n.add(e.getKey());
            st.add(sp.tensor());
            tt.add(e.getValue().tensor());
        }
        this.names = Collections.unmodifiableList(n);
        this.studentTensors = st;
        this.teacherTensors = tt;
    }

    /**
     * Makes {@code teacher} (built with the teacher's architecture: no mask token, drop-path 0) a copy of the
     * student: the student's state dict is loaded non-strictly (keys missing on either side are skipped, a shape
     * mismatch is an error, as in PyTorch), then every teacher parameter is frozen.
     */
    public static Teacher initFrom(Module student, Module teacher) {
        teacher.loadStateDict(student.stateDict(), false);
        teacher.setTrainable(false);
        return new Teacher(student, teacher);
    }

    /** Pairs an already initialised teacher (e.g. restored from a checkpoint) with the student; freezes it. */
    public static Teacher attach(Module student, Module teacher) {
        teacher.setTrainable(false);
        return new Teacher(student, teacher);
    }

    /** {@code t ← m·t + (1−m)·s} for every shared name, in float32 like {@code mul_(m).add_((1−m)·s)}. */
    public void update(double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("EMA momentum must be in [0, 1], got " + momentum);
        float m = (float) momentum, om = (float) (1 - momentum);
        for (int i = 0; i < teacherTensors.size(); i++) {
            Tensor t = teacherTensors.get(i), s = studentTensors.get(i).contiguous();
            if (t.device() == org.ibot4j.runtime.tensor.Device.CUDA) {
                org.ibot4j.runtime.backend.cuda.CudaOps.requireDevice("teacher EMA", s);
                org.ibot4j.runtime.backend.cuda.CudaBackend.shared().emaUpdate(org.ibot4j.runtime.backend.cuda.CudaTensors.address(t),
                        org.ibot4j.runtime.backend.cuda.CudaTensors.address(s), t.size(), momentum);
                continue;
            }
            float[] ta = t.array(), sa = s.array();
            int to = t.offset(), so = s.offset(), n = t.size();
            for (int j = 0; j < n; j++) ta[to + j] = ta[to + j] * m + sa[so + j] * om;
        }
    }

    /** The teacher model. */
    public Module model() { return model; }

    /** The parameter names averaged by {@link #update}, in the teacher's order. */
    public List<String> emaNames() { return names; }
}
