package org.ibot4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.model.IbotHead;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.optim.AdamW;
import org.ibot4j.runtime.optim.GradClip;
import org.ibot4j.runtime.optim.ParamGroup;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * One iBOT training iteration in the reference order (spec 7.4): set the group-0/1 LR and the group-0 weight
 * decay; teacher forward on the global crops without a graph; student forward on the masked global crops and
 * CLS-only on the local crops; the loss (which also moves the centers); abort if it is not finite; backward;
 * per-parameter gradient clipping; drop {@code last_layer} gradients while {@code epoch < freeze_last_layer};
 * AdamW step; EMA of every parameter name the student and the teacher share.
 */
public final class TrainStep {
    private final MultiCropWrapper student, teacher;
    private final IbotLoss loss;
    private final AdamW optimizer;
    private final double clipGrad;
    private final int freezeLastLayer;
    private final int ngcrops;
    private final Teacher ema;
    private LossScaler scaler;  // fp16 GEMMs only

    /** What one iteration produced. */
    public record Result(float loss, float cls, float patch, double lr, double wd, double acc,
                         int[] teacherArgmax, Map<String, Float> gradNormsBeforeClip) {}

    /** Thrown when the loss is NaN or infinite; nothing has been updated by that iteration. */
    public static final class NonFiniteLossException extends RuntimeException {
        public NonFiniteLossException(String message) { super(message); }
    }

    public TrainStep(MultiCropWrapper student, MultiCropWrapper teacher, IbotLoss loss, AdamW optimizer,
                     double clipGrad, int freezeLastLayer, int globalCrops) {
        this.student = student;
        this.teacher = teacher;
        this.loss = loss;
        this.optimizer = optimizer;
        this.clipGrad = clipGrad;
        this.freezeLastLayer = freezeLastLayer;
        this.ngcrops = globalCrops;
        this.ema = Teacher.attach(student, teacher);
    }

    /**
     * Scales the loss before backward and unscales the gradients after it, skipping (and backing off) on an inf/NaN
     * gradient (spec 7.4 steps 5–8, GradScaler); for fp16 GEMMs. Null: none (float32, TF32 or bf16). Returns this.
     */
    public TrainStep withLossScaler(LossScaler s) {
        this.scaler = s;
        return this;
    }

    /** The optimiser's parameter groups from a student (spec 7.1): decayed group 0, no-decay group 1. */
    public static AdamW adamW(MultiCropWrapper student) {
        return new AdamW(org.ibot4j.runtime.optim.ParamGroups.decayAndNoDecay(student.trainableTensors(), 0.0, 0.0));
    }

    /**
     * Runs one iteration.
     *
     * @param globalCrops [G·B, 3, S, S], crop-major
     * @param localCrops  [L·B, 3, s, s] or null
     * @param masks       [G·B, h, w], 1 = masked
     */
    public Result run(Tensor globalCrops, Tensor localCrops, Tensor masks, int epoch, int step,
                      double lr, double wd, double momentum) {
        // 1. schedules
        List<ParamGroup> groups = optimizer.groups();
        for (ParamGroup g : groups) g.setLr(lr);
        groups.get(0).setWeightDecay(wd);

        // 1b. inputs to the models' device (uploads only; the loss weights its patch term from the host masks)
        Device device = student.parameters().get(0).tensor().device();
        Tensor hostMasks = masks;
        if (device != Device.CPU) {
            globalCrops = globalCrops.to(device);
            localCrops = localCrops == null ? null : localCrops.to(device);
            masks = masks.to(device);
        }

        // 2. forward passes and loss
        IbotHead.Output tOut;
        try (var s = GradMode.noGrad()) {
            tOut = teacher.forwardGlobal(globalCrops, null);
        }
        IbotHead.Output sOut = student.forwardGlobal(globalCrops, masks);
        Tensor sLoc = localCrops == null ? null : student.forwardLocalCls(localCrops);
        int b = globalCrops.dim(0) / ngcrops;
        List<Tensor> maskList = new ArrayList<>();
        for (int q = 0; q < ngcrops; q++) maskList.add(hostMasks.slice(0, q * b, (q + 1) * b));
        IbotLoss.Parts parts = loss.forward(sOut, tOut, sLoc, maskList, epoch);
        float[] scalars;
        try (var s = GradMode.noGrad()) {
            scalars = Tensor.concat(List.of(parts.total().reshape(1), parts.cls().reshape(1), parts.patch().reshape(1)), 0).toArray();
        }
        float total = scalars[0];  // one copy from a GPU: the reference also reads the loss here, to stop on NaN

        // 3. abort on a non-finite loss
        if (!Float.isFinite(total))
            throw new NonFiniteLossException("loss is " + total + " at epoch " + epoch + ", step " + step + "; stopping training");

        // 4. statistics: teacher crop-0 argmax vs student crop-1 argmax
        int[] tArg = argmax(tOut.cls(), 0, b);
        double acc = 0;
        if (ngcrops > 1) {
            int[] sArg = argmax(sOut.cls(), b, 2 * b);
            int same = 0;
            for (int i = 0; i < b; i++) if (tArg[i] == sArg[i]) same++;
            acc = (double) same / b;
        }

        // 5. backward
        optimizer.zeroGrad();
        student.zeroGrad();
        if (scaler == null) parts.total().backward();
        else parts.total().mul((float) scaler.scale()).backward();

        // 6. unscale (fp16), then per-parameter clipping (norms before clipping reported)
        LinkedHashMap<String, Tensor> named = new LinkedHashMap<>();
        student.namedParameters().forEach((n, p) -> named.put(n, p.tensor()));
        boolean foundInf = false;
        if (scaler != null) {
            float inv = scaler.inverse();
            named.values().forEach(t -> { if (t.grad() != null) t.grad().mulInPlace(inv); });
        }
        Map<String, Float> norms = clipGrad > 0 ? GradClip.perParameter(named, clipGrad)
                : scaler != null ? GradClip.norms(named) : Map.of();
        if (scaler != null) foundInf = norms.values().stream().anyMatch(v -> !Float.isFinite(v));

        // 7. freeze the last layer
        if (epoch < freezeLastLayer) named.forEach((n, t) -> { if (n.contains("last_layer")) t.zeroGrad(); });

        // 8. optimiser step (skipped on an inf/NaN gradient under fp16 loss scaling, which then backs off)
        if (!foundInf) optimizer.step();
        if (scaler != null) scaler.update(foundInf);

        // 9. EMA of the teacher
        ema.update(momentum);
        if (device == Device.CUDA) org.ibot4j.runtime.backend.cuda.CudaMemory.collectIfGrown();
        return new Result(total, scalars[1], scalars[2], lr, wd, acc, tArg, norms);
    }

    private static int[] argmax(Tensor logits, int from, int to) {
        Tensor rows = logits.slice(0, from, to).contiguous();
        if (rows.device() != Device.CPU) return rows.argmax(1).data();  // on the device; the indices come back
        float[] a = rows.array();
        int off = rows.offset(), k = rows.dim(1);
        int[] out = new int[to - from];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (a[off + r * k + j] > a[off + r * k + best]) best = j;
            out[r] = best;
        }
        return out;
    }
}
