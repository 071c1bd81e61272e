package org.ibot4j.gpucheck;

import java.util.Map;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitArch;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.backend.cuda.CudaTensors;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.train.IbotLoss;
import org.ibot4j.train.Teacher;
import org.ibot4j.train.TrainStep;

/**
 * The GPU check's {@code stepcheck} part: a small ViT (patch 8, dim 64, depth 2, drop path 0.1) trained for three iBOT
 * steps on the CPU and, from the same weights and inputs, with everything resident on the GPU; prints the largest
 * relative difference of the losses, gradient norms, student, teacher and centers, and the copies a GPU step made.
 */
final class StepParity {
    private StepParity() {}

    private record Run(MultiCropWrapper student, MultiCropWrapper teacher, IbotLoss loss, TrainStep step) {}

    private static Run build(Device device) {
        Rng rng = new Rng(7);
        VitConfig base = VitArch.config("vit_small", 8, 64, 2, 4).withImgSize(32);
        HeadConfig head = HeadConfig.of(64, 256, true, true);
        MultiCropWrapper student = new MultiCropWrapper(new VisionTransformer(base.withDropPathRate(0.1f).withMaskToken(true),
                rng.split()), new IbotHead(head, rng.split()));
        MultiCropWrapper teacher = new MultiCropWrapper(new VisionTransformer(base.withMaskToken(false), rng.split()),
                new IbotHead(head, rng.split()));
        Teacher.initFrom(student, teacher);
        IbotLoss loss = new IbotLoss(IbotLoss.Config.of(256, 256, 2, 2, 0.04, 0.07, 0.04, 0.07, 2, 10));
        student.to(device);
        teacher.to(device);
        loss.to(device);
        return new Run(student, teacher, loss, new TrainStep(student, teacher, loss, TrainStep.adamW(student), 3.0, 0, 2));
    }

    static boolean run() {
        Run cpu = build(Device.CPU), gpu = build(Device.CUDA);
        double worst = 0;
        CudaTensors.Transfers last = null;
        for (int it = 0; it < 3; it++) {
            Rng rng = new Rng(100 + it);
            Tensor global = Tensor.randn(rng, 8, 3, 32, 32), local = Tensor.randn(rng, 8, 3, 16, 16);
            float[] m = new float[8 * 16];
            for (int i = 0; i < m.length; i++) m[i] = rng.nextFloat() < 0.3f ? 1f : 0f;
            Tensor masks = Tensor.of(m, 8, 4, 4);
            reseed(cpu, it);
            reseed(gpu, it);
            TrainStep.Result rc = cpu.step().run(global, local, masks, 1, it, 1e-3, 0.04, 0.996);
            CudaTensors.Transfers before = CudaTensors.transfers();
            TrainStep.Result rg = gpu.step().run(global, local, masks, 1, it, 1e-3, 0.04, 0.996);
            last = CudaTensors.transfers().since(before);
            double e = Math.max(rel(rc.loss(), rg.loss()), Math.max(rel(rc.cls(), rg.cls()), rel(rc.patch(), rg.patch())));
            for (var n : rc.gradNormsBeforeClip().entrySet())
                e = Math.max(e, rel(n.getValue(), rg.gradNormsBeforeClip().getOrDefault(n.getKey(), Float.NaN)));
            System.out.printf("stepcheck step=%d loss_cpu=%.6f loss_gpu=%.6f max_rel_err=%.2e%n", it, rc.loss(), rg.loss(), e);
            worst = Math.max(worst, e);
        }
        double w = Math.max(diff(cpu.student().stateDict(), gpu.student().stateDict()),
                Math.max(diff(cpu.teacher().stateDict(), gpu.teacher().stateDict()), diff(cpu.loss().stateDict(), gpu.loss().stateDict())));
        System.out.printf("stepcheck weights_max_err=%.2e step_uploads=%d step_downloads=%d step_download_bytes=%d%n",
                w, last.uploads(), last.downloads(), last.downloadBytes());
        boolean ok = worst < 1e-3 && w < 1e-3 && last.downloadBytes() < 8192;
        System.out.println("stepcheck=" + (ok ? "OK" : "FAIL"));
        return ok;
    }

    private static void reseed(Run r, int it) {
        long i = 0;
        for (var m : r.student().namedModules().values())
            if (m instanceof org.ibot4j.runtime.nn.DropPath d) d.reseed(1000L * it + i++);
    }

    private static double rel(float a, float b) { return Math.abs((double) a - b) / Math.max(1, Math.abs(a)); }

    private static double diff(Map<String, Tensor> a, Map<String, Tensor> b) {
        double max = 0;
        for (var e : a.entrySet()) {
            float[] x = e.getValue().toArray(), y = b.get(e.getKey()).toArray();
            for (int i = 0; i < x.length; i++) max = Math.max(max, rel(x[i], y[i]));
        }
        return max;
    }
}
