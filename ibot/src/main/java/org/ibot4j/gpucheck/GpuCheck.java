package org.ibot4j.gpucheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitArch;
import org.ibot4j.model.VitConfig;
import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.CublasLt;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.nativebind.cuda.Nvrtc;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.backend.cuda.CudaBackend;
import org.ibot4j.runtime.backend.cuda.CudaMemory;
import org.ibot4j.runtime.backend.cuda.CudaOpsParity;
import org.ibot4j.runtime.backend.cuda.CudaParity;
import org.ibot4j.runtime.backend.cuda.GemmPrecision;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.train.IbotLoss;
import org.ibot4j.train.Teacher;
import org.ibot4j.train.TrainStep;

/**
 * The GPU check, run from the jar on a machine with a GPU and no Maven ({@code scripts/gpu-check.sh}):
 * {@code java -cp ibot.jar org.ibot4j.gpucheck.GpuCheck [bindings] [parity] [ops] [stepcheck] [gemm] [step] [--batch N] [--local_crops N]
 * [--reps N] [--gemm fp32|tf32|bf16] [--quick]}. Parts: {@code bindings} (errors come back as
 * exceptions with the library's error name; NVRTC compile log; a kernel launched and timed), {@code parity} (every CUDA backend method against the scalar
 * CPU reference), {@code ops} (every op on device tensors against the CPU op, values and gradients),
 * {@code stepcheck} (three iBOT steps of a small ViT resident on the GPU against the same steps on the CPU, and the
 * host copies a step makes), {@code gemm} (TFLOP/s of FP32/TF32/BF16 through our cuBLAS binding, plus the backend's seam
 * SGEMM with its host copies and the CPU vector GEMM), {@code step} (a timed iBOT pre-training step, ViT-S/16,
 * 2×224 + L×96 crops, out_dim 8192, models and optimiser state resident on the GPU). Prints figures as {@code key=value} lines; exits 1
 * when a check fails and 2 when there is no usable GPU, saying why.
 */
public final class GpuCheck {
    private GpuCheck() {}

    public static void main(String[] args) {
        List<String> parts = new ArrayList<>();
        int batch = 64, localCrops = 10, reps = 2, outDim = 8192;
        String gemm = "tf32";
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--local_crops" -> localCrops = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--out_dim" -> outDim = Integer.parseInt(args[++i]);
                case "--gemm" -> gemm = args[++i];
                case "--quick" -> quick = true;
                case "bindings", "parity", "ops", "stepcheck", "gemm", "step" -> parts.add(args[i]);
                default -> {
                    System.err.println("GpuCheck: unknown argument '" + args[i] + "'");
                    System.exit(64);
                }
            }
        }
        if (parts.isEmpty()) parts = List.of("bindings", "parity", "ops", "stepcheck", "gemm", "step");
        if (!Cuda.available()) {
            System.out.println("gpu_check=FAIL reason=\"CUDA unavailable: " + Cuda.unavailableReason() + "\"");
            System.exit(2);
        }
        Cuda.makeCurrent();
        System.out.println("device=\"" + Cuda.device() + "\" libcuda=" + CudaDriver.libraryName());
        System.out.println("cublas=" + (Cublas.isLoaded() ? Cublas.libraryName() : "MISSING: " + Cublas.unavailableReason()));
        System.out.println("nvrtc=" + (Nvrtc.isLoaded() ? Nvrtc.libraryName() + " version=" + Arrays.toString(Nvrtc.version())
                : "MISSING: " + Nvrtc.unavailableReason()));
        if (!Cublas.isLoaded() || !Nvrtc.isLoaded()) {
            System.out.println("gpu_check=FAIL reason=\"cuBLAS or NVRTC missing\"");
            System.exit(2);
        }
        boolean ok = true;
        for (String part : parts) {
            long t0 = System.nanoTime();
            try {
                ok &= switch (part) {
                    case "bindings" -> BindingChecks.run();
                    case "parity" -> parity();
                    case "ops" -> ops();
                    case "stepcheck" -> {
                        CudaBackend.useShared(GemmPrecision.FP32);
                        yield StepParity.run();
                    }
                    case "gemm" -> gemm(quick);
                    case "step" -> stepFitting(GemmPrecision.valueOf(gemm.toUpperCase()), batch, localCrops, outDim, reps);
                    default -> true;
                };
            } catch (RuntimeException | OutOfMemoryError e) {
                System.out.println(part + "=FAIL " + e);
                e.printStackTrace(System.out);
                ok = false;
            }
            System.out.printf("%s_seconds=%.1f%n", part, (System.nanoTime() - t0) / 1e9);
        }
        System.out.println("gpu_check=" + (ok ? "OK" : "FAIL"));
        System.exit(ok ? 0 : 1);
    }

    private static boolean parity() {
        List<CudaParity.Result> results;
        try (CudaBackend fp32 = CudaBackend.create(GemmPrecision.FP32)) {
            results = CudaParity.run(fp32);
        }
        int failed = 0;
        for (CudaParity.Result r : results) {
            System.out.println("parity " + r);
            if (!r.ok()) failed++;
        }
        System.out.println("parity_checks=" + results.size() + " parity_failed=" + failed);
        return failed == 0;
    }

    /** Every op on device tensors vs the CPU (values and gradients), through the FP32 shared backend. */
    private static boolean ops() {
        CudaBackend.useShared(GemmPrecision.FP32);
        int failed = 0;
        List<CudaParity.Result> results = CudaOpsParity.run();
        for (CudaParity.Result r : results) {
            System.out.println("ops " + r);
            if (!r.ok()) failed++;
        }
        System.out.println("ops_checks=" + results.size() + " ops_failed=" + failed);
        return failed == 0;
    }

    /** quick: small shapes, to exercise the code path (e.g. against the fakes of scripts/fake-cuda-check.sh). */
    private static boolean gemm(boolean quick) {
        boolean lt = CublasLt.isLoaded();
        System.out.println("cublasLt=" + (lt ? CublasLt.libraryName() + " version=" + CublasLt.version()
                : "MISSING: " + CublasLt.unavailableReason()));
        try (Cublas blas = Cublas.create(); CublasLt ltHandle = lt ? CublasLt.create() : null) {
            System.out.println("cublas_version=" + blas.version());
            int[][] shapes = quick ? new int[][]{{96, 64, 80}}
                    : new int[][]{{4096, 4096, 4096}, {8192, 8192, 8192}, {64 * 197, 1536, 384}, {64 * 197, 384, 1536}};
            for (int[] s : shapes)
                for (String mode : lt ? List.of("fp32", "tf32", "bf16", "lt_tf32", "lt_bf16") : List.of("fp32", "tf32", "bf16"))
                    System.out.printf("gemm_tflops mode=%s m=%d n=%d k=%d ours_cublas=%.1f%n", mode, s[0], s[1], s[2],
                            GemmThroughput.tflops(blas, ltHandle, mode, s[0], s[1], s[2], 20));
        }
        // Through the seam (host arrays in and out each call) and the CPU vector GEMM, same shape.
        int m = quick ? 64 : 2048, n = m, k = m;
        float[] a = rand(m * k), b = rand(k * n), c = new float[m * n];
        for (GemmPrecision p : GemmPrecision.values()) {
            try (CudaBackend be = CudaBackend.create(p)) {
                System.out.printf("gemm_seam_gflops backend=cuda-%s m=n=k=%d %.0f%n", p.name().toLowerCase(), m,
                        gflops(be, a, b, c, m, n, k, 5));
            }
        }
        System.out.printf("gemm_seam_gflops backend=cpu-vector(threads=%d) m=n=k=%d %.0f%n", Backends.defaultThreads(), m,
                gflops(Backends.current(), a, b, c, m, n, k, 2));
        return true;
    }

    private static double gflops(Backend be, float[] a, float[] b, float[] c, int m, int n, int k, int reps) {
        be.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) be.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        return 2.0 * m * n * k * reps / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }

    private static float[] rand(int n) {
        Random r = new Random(n);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }

    /**
     * {@link #step} at {@code batch}, halving the batch (down to 8) when the GPU runs out of memory, so one call still
     * yields figures ("batch 64 if memory allows"); each out-of-memory is printed.
     */
    private static boolean stepFitting(GemmPrecision precision, int batch, int localCrops, int outDim, int reps) {
        for (int b = batch; ; b /= 2) {
            try {
                return step(precision, b, localCrops, outDim, reps);
            } catch (org.ibot4j.nativebind.cuda.CudaException e) {
                if (!"CUDA_ERROR_OUT_OF_MEMORY".equals(e.errorName()) || b / 2 < 8) throw e;
                System.out.println("step batch=" + b + " out_of_memory=\"" + e.getMessage() + "\" retrying with batch " + b / 2);
                CudaMemory.collect();
                CudaMemory.releaseCached();
            }
        }
    }

    /**
     * One iBOT pre-training iteration with student, teacher, centers and AdamW state resident on the GPU (the crops
     * and masks are uploaded per step like a training run's batches), timed after a warm-up step. Reports the median
     * step time, images/s, the pool's peak bytes held by tensors and reserved from the driver, and the driver's view of
     * used memory.
     */
    private static boolean step(GemmPrecision precision, int batch, int localCrops, int outDim, int reps) {
        CudaBackend cuda = CudaBackend.useShared(precision);
        System.out.println("step backend=" + cuda.name() + " tensors=device-resident");
        Rng rng = new Rng(0);
        VitConfig base = VitArch.config("vit_small", 16, null, null, null);
        HeadConfig head = HeadConfig.of(base.embedDim(), outDim, true, true);
        MultiCropWrapper student = new MultiCropWrapper(new VisionTransformer(base.withDropPathRate(0.1f).withMaskToken(true),
                rng.split()), new IbotHead(head, rng.split()));
        MultiCropWrapper teacher = new MultiCropWrapper(new VisionTransformer(base.withDropPathRate(0f).withMaskToken(false),
                rng.split()), new IbotHead(head, rng.split()));
        Teacher.initFrom(student, teacher);
        IbotLoss loss = new IbotLoss(IbotLoss.Config.of(outDim, outDim, 2, localCrops, 0.04, 0.04, 0.04, 0.04, 0, 100));
        student.to(Device.CUDA);
        teacher.to(Device.CUDA);
        loss.to(Device.CUDA);
        TrainStep step = new TrainStep(student, teacher, loss, TrainStep.adamW(student), 3.0, 0, 2)
                .withLossScaler(precision == GemmPrecision.FP16 ? new org.ibot4j.train.LossScaler() : null);
        Tensor global = Tensor.randn(rng, 2 * batch, 3, 224, 224);
        Tensor local = localCrops == 0 ? null : Tensor.randn(rng, localCrops * batch, 3, 96, 96);
        float[] mask = new float[2 * batch * 14 * 14];
        for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < 0.3f ? 1f : 0f;
        Tensor masks = Tensor.of(mask, 2 * batch, 14, 14);
        long[] info0 = CudaDriver.memGetInfo();
        long maxUsed = info0[1] - info0[0];
        double[] ms = new double[reps];
        float lossValue = Float.NaN;
        for (int i = -1; i < reps; i++) {
            long t0 = System.nanoTime();
            if (i == 0) CudaMemory.resetPeaks();
            lossValue = step.run(global, local, masks, 0, Math.max(0, i), 5e-4, 0.04, 0.996).loss();
            CudaDriver.ctxSynchronize();
            double t = (System.nanoTime() - t0) / 1e6;
            if (i >= 0) ms[i] = t;
            long[] info = CudaDriver.memGetInfo();
            maxUsed = Math.max(maxUsed, info[1] - info[0]);
            System.out.printf("step %s ms=%.0f loss=%.4f%n", i < 0 ? "warmup" : "rep" + i, t, lossValue);
        }
        Arrays.sort(ms);
        double med = reps == 0 ? Double.NaN : ms[reps / 2];
        System.out.printf("ibot_step arch=vit_small/16 batch=%d crops=2x224+%dx96 out_dim=%d gemm=%s step_ms=%.0f "
                        + "images_per_s=%.2f gpu_mem_used_peak_mib=%d pool_peak_in_use_mib=%d pool_peak_reserved_mib=%d "
                        + "scratch_mib=%d jvm_heap_max_mib=%d%n",
                batch, localCrops, outDim, precision.name().toLowerCase(), med, batch / (med / 1e3), maxUsed >> 20,
                CudaMemory.stats().peakInUseBytes() >> 20, CudaMemory.stats().peakReservedBytes() >> 20,
                cuda.scratchBytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        return Float.isFinite(lossValue);
    }
}
