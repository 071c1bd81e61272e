package org.ibot4j.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitArch;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.train.IbotLoss;
import org.ibot4j.train.Teacher;
import org.ibot4j.train.TrainStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ibot bench step}: one full iBOT training iteration (teacher forward, masked student forward, local
 * crops, loss, backward, clipping, AdamW, EMA) for ViT-S/16 with a shared head, timed here and — when
 * {@code python3} has PyTorch — in PyTorch on the same shapes and threads in the same run.
 */
@Command(name = "step", mixinStandardHelpOptions = true,
        description = "A full iBOT training step (ViT-S/16, batch 4, 2x224 + 2x96 crops, out_dim 8192, shared head) against PyTorch.")
final class BenchStepCommand implements Callable<Integer> {
    @Option(names = "--arch", description = "ViT preset (default ${DEFAULT-VALUE}).") String arch = "vit_small";
    @Option(names = "--batch", description = "Images per step (default ${DEFAULT-VALUE}).") int batch = 4;
    @Option(names = "--out_dim", description = "Head output dim (default ${DEFAULT-VALUE}).") int outDim = 8192;
    @Option(names = "--local_crops", description = "Local 96-px crops per image (default ${DEFAULT-VALUE}).") int localCrops = 2;
    @Option(names = "--reps", description = "Timed steps; the median is reported (default ${DEFAULT-VALUE}).") int reps = 5;
    @Option(names = "--python", description = "Python with PyTorch for the reference (default ${DEFAULT-VALUE}).") String python = "/usr/bin/python3";

    @Override public Integer call() throws Exception {
        int threads = Backends.current().threads();
        double ours = timeOurs();
        long peakHeapMb = peakHeapBytes() >> 20;
        String torch = PythonReference.run(python, "bench_step_torch.py", "--threads", "" + threads, "--batch", "" + batch,
                "--out_dim", "" + outDim, "--local_crops", "" + localCrops, "--reps", "" + reps);
        System.out.println("# " + Backends.current().name());
        StringBuilder line = new StringBuilder(String.format("ibot step %s batch=%d crops=2x224+%dx96 out_dim=%d threads=%d ours=%.0f ms peak_heap=%d MB",
                arch, batch, localCrops, outDim, threads, ours, peakHeapMb));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("torch_step_ms=([0-9.]+).*peak_rss_mb=([0-9]+)").matcher(torch == null ? "" : torch);
        if (m.find()) {
            double t = Double.parseDouble(m.group(1));
            line.append(String.format(" torch=%.0f ms (peak RSS %s MB) speedup=%.2f", t, m.group(2), t / ours));
        } else {
            line.append(PythonReference.unavailable(torch));
        }
        System.out.println(line);
        return 0;
    }

    private double timeOurs() {
        Rng rng = new Rng(0);
        VitConfig base = VitArch.config(arch, 16, null, null, null);
        HeadConfig head = HeadConfig.of(base.embedDim(), outDim, true, true);
        MultiCropWrapper student = new MultiCropWrapper(new VisionTransformer(base.withDropPathRate(0.1f).withMaskToken(true), rng.split()), new IbotHead(head, rng.split()));
        MultiCropWrapper teacher = new MultiCropWrapper(new VisionTransformer(base.withDropPathRate(0f).withMaskToken(false), rng.split()), new IbotHead(head, rng.split()));
        Teacher.initFrom(student, teacher);
        IbotLoss loss = new IbotLoss(IbotLoss.Config.of(outDim, outDim, 2, localCrops, 0.04, 0.04, 0.04, 0.04, 0, 100));
        TrainStep step = new TrainStep(student, teacher, loss, TrainStep.adamW(student), 3.0, 0, 2);
        Tensor global = Tensor.randn(rng, 2 * batch, 3, 224, 224);
        Tensor local = localCrops == 0 ? null : Tensor.randn(rng, localCrops * batch, 3, 96, 96);
        float[] mask = new float[2 * batch * 14 * 14];
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < 0.3f ? 1f : 0f;
        Tensor masks = Tensor.of(mask, 2 * batch, 14, 14);
        double[] ms = new double[reps];
        for (int i = -2; i < reps; i++) {
            long t0 = System.nanoTime();
            step.run(global, local, masks, 0, Math.max(0, i), 5e-4, 0.04, 0.996);
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        return sum;
    }
}
