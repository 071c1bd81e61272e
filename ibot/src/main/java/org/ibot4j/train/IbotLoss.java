package org.ibot4j.train;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.model.IbotHead;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.ops.F;
import org.ibot4j.runtime.optim.TemperatureSchedule;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The iBOT loss (spec 6): CLS self-distillation between every teacher global crop and every other student crop
 * (locals included), plus masked-patch self-distillation between the teacher and the student on the same global
 * crop, with the reference's pairing, averaging and MIM dilution (spec 11.3).
 *
 * <p>State: the centers {@code center [1, K]} and {@code center2 [1, 1, Kp]}, registered as persistent buffers
 * under the reference's names, so {@link #stateDict()} / {@link #loadStateDict} save and restore them. Every
 * {@link #forward} updates them after computing the loss (momentum {@code center_momentum}, spec 6.5).
 *
 * <p>Teacher temperatures follow per-epoch schedules (spec 6.2): the CLS one warms up from epoch 0, the patch
 * one holds its warm-up value for {@code mimStartEpoch} epochs first.
 */
public final class IbotLoss extends Module {
    /**
     * Hyper-parameters, named like the reference's {@code iBOTLoss} arguments. {@code patchOutDim} is the
     * width of the patch logits (the out dim when either head is shared).
     */
    public record Config(int outDim, int patchOutDim, int ngcrops, int nlcrops,
                         double warmupTeacherTemp, double teacherTemp, double warmupTeacherTemp2, double teacherTemp2,
                         int warmupTeacherTempEpochs, int nepochs, double studentTemp,
                         double centerMomentum, double centerMomentum2, double lambda1, double lambda2, int mimStartEpoch) {
        public Config {
            if (outDim <= 0 || patchOutDim <= 0) throw new IllegalArgumentException("loss dims must be positive, got out=" + outDim + " patch_out=" + patchOutDim);
            if (ngcrops < 1 || nlcrops < 0) throw new IllegalArgumentException("need >= 1 global and >= 0 local crops, got " + ngcrops + " and " + nlcrops);
            if (ngcrops + nlcrops < 2)
                throw new IllegalArgumentException("the CLS term pairs a teacher crop with a different student crop: need >= 2 crops, got " + (ngcrops + nlcrops));
            if (!(studentTemp > 0) || !(warmupTeacherTemp > 0) || !(teacherTemp > 0) || !(warmupTeacherTemp2 > 0) || !(teacherTemp2 > 0))
                throw new IllegalArgumentException("temperatures must be > 0");
            if (mimStartEpoch < 0) throw new IllegalArgumentException("mimStartEpoch must be >= 0, got " + mimStartEpoch);
        }

        /** The reference defaults for the rest: student temp 0.1, center momenta 0.9, λ1 = λ2 = 1, MIM from epoch 0. */
        public static Config of(int outDim, int patchOutDim, int ngcrops, int nlcrops, double warmupTeacherTemp, double teacherTemp,
                                double warmupTeacherTemp2, double teacherTemp2, int warmupTeacherTempEpochs, int nepochs) {
            return new Config(outDim, patchOutDim, ngcrops, nlcrops, warmupTeacherTemp, teacherTemp, warmupTeacherTemp2, teacherTemp2,
                    warmupTeacherTempEpochs, nepochs, 0.1, 0.9, 0.9, 1.0, 1.0, 0);
        }

        public Config withLambdas(double l1, double l2) {
            return new Config(outDim, patchOutDim, ngcrops, nlcrops, warmupTeacherTemp, teacherTemp, warmupTeacherTemp2, teacherTemp2,
                    warmupTeacherTempEpochs, nepochs, studentTemp, centerMomentum, centerMomentum2, l1, l2, mimStartEpoch);
        }

        public Config withMimStartEpoch(int e) {
            return new Config(outDim, patchOutDim, ngcrops, nlcrops, warmupTeacherTemp, teacherTemp, warmupTeacherTemp2, teacherTemp2,
                    warmupTeacherTempEpochs, nepochs, studentTemp, centerMomentum, centerMomentum2, lambda1, lambda2, e);
        }
    }

    /** The λ-weighted terms as scalar tensors with autograd to the student outputs: {@code total = cls + patch}. */
    public record Parts(Tensor total, Tensor cls, Tensor patch) {}

    private final Config config;
    private final Tensor center, center2;
    private final double[] tempSchedule, temp2Schedule;

    public IbotLoss(Config config) {
        this.config = config;
        this.center = registerBuffer("center", Tensor.zeros(1, config.outDim()));
        this.center2 = registerBuffer("center2", Tensor.zeros(1, 1, config.patchOutDim()));
        this.tempSchedule = TemperatureSchedule.teacher(config.warmupTeacherTemp(), config.teacherTemp(),
                config.warmupTeacherTempEpochs(), config.nepochs());
        this.temp2Schedule = TemperatureSchedule.teacher(config.warmupTeacherTemp2(), config.teacherTemp2(),
                config.warmupTeacherTempEpochs(), config.nepochs(), config.mimStartEpoch());
    }

    public Config config() { return config; }

    /** Teacher CLS temperature of {@code epoch}. */
    public double teacherTemp(int epoch) { return scheduled(tempSchedule, epoch); }

    /** Teacher patch temperature of {@code epoch}. */
    public double teacherPatchTemp(int epoch) { return scheduled(temp2Schedule, epoch); }

    private static double scheduled(double[] s, int epoch) {
        if (epoch < 0 || epoch >= s.length)
            throw new IllegalArgumentException("epoch " + epoch + " is outside the temperature schedule (0.." + (s.length - 1) + ")");
        return s[epoch];
    }

    /** The live CLS center {@code [1, K]}. */
    public Tensor center() { return center; }

    /** The live patch center {@code [1, 1, Kp]}. */
    public Tensor center2() { return center2; }

    /**
     * The loss of one iteration at {@code epoch}'s temperatures, then the center update.
     *
     * @param student         student on the G masked global crops: cls {@code [G·B, K]}, patch {@code [G·B, P, Kp]}
     * @param teacher         teacher on the same global crops unmasked (treated as constants)
     * @param studentLocalCls student CLS logits on the L local crops {@code [L·B, K]}; null when L = 0
     * @param masks           G masks {@code [B, h, w]} or {@code [B, P]}, nonzero = masked, one per global crop
     */
    public Parts forward(IbotHead.Output student, IbotHead.Output teacher, Tensor studentLocalCls, List<Tensor> masks, int epoch) {
        return forward(student, teacher, studentLocalCls, masks, teacherTemp(epoch), teacherPatchTemp(epoch));
    }

    /** {@link #forward(IbotHead.Output, IbotHead.Output, Tensor, List, int)} with explicit teacher temperatures. */
    public Parts forward(IbotHead.Output student, IbotHead.Output teacher, Tensor studentLocalCls, List<Tensor> masks,
                         double teacherTemp, double teacherPatchTemp) {
        int g = config.ngcrops(), l = config.nlcrops(), k = config.outDim(), kp = config.patchOutDim();
        if (student.patch() == null || teacher.patch() == null)
            throw new IllegalArgumentException("the loss needs patch logits of the global crops from both models (got a CLS-only output)");
        Tensor tCls = teacher.cls().detach(), tPatch = teacher.patch().detach();
        if (tCls.rank() != 2 || tCls.dim(1) != k || tCls.dim(0) % g != 0)
            throw new IllegalArgumentException("teacher cls must be [G·B, " + k + "] with G=" + g + ", got " + tCls.shape());
        int b = tCls.dim(0) / g;
        checkShape("student cls", student.cls(), b * g, k);
        if (tPatch.rank() != 3 || tPatch.dim(0) != b * g || tPatch.dim(2) != kp)
            throw new IllegalArgumentException("teacher patch must be [" + b * g + ", P, " + kp + "], got " + tPatch.shape());
        int p = tPatch.dim(1);
        if (!student.patch().shape().equals(tPatch.shape()))
            throw new IllegalArgumentException("student patch " + student.patch().shape() + " differs from teacher patch " + tPatch.shape());
        if (l > 0) checkShape("student local cls", studentLocalCls, b * l, k);
        else if (studentLocalCls != null && studentLocalCls.dim(0) != 0)
            throw new IllegalArgumentException("got local-crop logits but the loss was built for 0 local crops");
        float[] weights = maskWeights(masks, g, b, p);

        Tensor tc, tp;
        try (var s = GradMode.noGrad()) {
            tc = F.softmax(tCls.sub(center).div((float) teacherTemp), -1);
            tp = F.softmax(tPatch.sub(center2).div((float) teacherPatchTemp), -1);
        }
        List<Tensor> all = new ArrayList<>(List.of(student.cls()));
        if (l > 0) all.add(studentLocalCls);
        Tensor logS = F.logSoftmax(Tensor.concat(all, 0).div((float) config.studentTemp()), -1);

        Tensor cls = null;
        int pairs = 0;
        for (int q = 0; q < g; q++) {
            Tensor target = tc.slice(0, q * b, (q + 1) * b);
            for (int v = 0; v < g + l; v++) {
                if (v == q) continue;
                Tensor term = target.mul(logS.slice(0, v * b, (v + 1) * b)).sum(-1, false).mean().neg();
                cls = cls == null ? term : cls.add(term);
                pairs++;
            }
        }
        cls = cls.mul((float) (config.lambda1() / pairs));

        // Same-view masked-patch term: Σ_q mean_b(Σ_i ce·mask / max(#masked, 1)) / G, as one weighted sum.
        Tensor ce = F.softTargetCrossEntropy(student.patch().div((float) config.studentTemp()), tp, -1);   // [G·B, P]
        Tensor patch = ce.mul(Tensor.of(weights, g * b, p).to(ce.device())).sum().mul((float) config.lambda2());

        updateCenters(tCls, tPatch);
        return new Parts(cls.add(patch), cls, patch);
    }

    private static void checkShape(String what, Tensor t, int rows, int cols) {
        if (t == null || t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols)
            throw new IllegalArgumentException(what + " must be [" + rows + ", " + cols + "], got " + (t == null ? "null" : t.shape()));
    }

    /** {@code mask/(max(#masked,1)·B·G)} per crop row and token: the patch term's weights. */
    private static float[] maskWeights(List<Tensor> masks, int g, int b, int p) {
        if (masks == null || masks.size() != g)
            throw new IllegalArgumentException("need one mask per global crop (" + g + "), got " + (masks == null ? "null" : masks.size()));
        float[] w = new float[g * b * p];
        for (int q = 0; q < g; q++) {
            Tensor m = masks.get(q);
            if (m.rank() < 2 || m.dim(0) != b || m.size() != b * p)
                throw new IllegalArgumentException("mask " + q + " must be [" + b + ", h, w] with h·w = " + p + " patches, got " + m.shape());
            float[] mv = m.toArray();
            for (int i = 0; i < b; i++) {
                int count = 0;
                for (int j = 0; j < p; j++) if (mv[i * p + j] != 0) count++;
                double scale = 1.0 / (Math.max(count, 1) * (double) b * g);
                for (int j = 0; j < p; j++) if (mv[i * p + j] != 0) w[(q * b + i) * p + j] = (float) scale;
            }
        }
        return w;
    }

    /** c ← m·c + (1−m)·mean(teacher CLS rows); c2 likewise with the per-image mean over all patch tokens (spec 6.5). */
    private void updateCenters(Tensor tCls, Tensor tPatch) {
        if (center.device() == org.ibot4j.runtime.tensor.Device.CUDA) {  // on the device, in float32
            try (var s = GradMode.noGrad()) {
                float m = (float) config.centerMomentum(), m2 = (float) config.centerMomentum2();
                center.copyFrom(center.mul(m).add(tCls.mean(0, true).mul((float) (1 - config.centerMomentum()))));
                center2.copyFrom(center2.mul(m2).add(tPatch.mean(new int[] {0, 1}, true).mul((float) (1 - config.centerMomentum2()))));
            }
            return;
        }
        int rows = tCls.dim(0), k = tCls.dim(1), p = tPatch.dim(1), kp = tPatch.dim(2);
        float[] tc = tCls.toArray(), tp = tPatch.toArray();
        double[] s1 = new double[k], s2 = new double[kp];
        for (int r = 0; r < rows; r++) for (int j = 0; j < k; j++) s1[j] += tc[r * k + j];
        for (int r = 0; r < rows; r++) for (int i = 0; i < p; i++) for (int j = 0; j < kp; j++) s2[j] += tp[(r * p + i) * kp + j];
        blend(center, s1, rows, config.centerMomentum());
        blend(center2, s2, (double) rows * p, config.centerMomentum2());
    }

    private static void blend(Tensor c, double[] sum, double n, double m) {
        float[] a = c.array();
        int off = c.offset();
        for (int j = 0; j < sum.length; j++) a[off + j] = (float) (a[off + j] * m + sum[j] / n * (1 - m));
    }
}
