package org.ibot4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.ibot4j.model.BackboneWeights;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitArch;
import org.ibot4j.runtime.io.PthArchive;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Loads a PyTorch checkpoint a few times and reports wall time and peak Java heap, to hold the loader to
 * "seconds, and no second copy of the weights in heap". Make the ViT-B/16 input with
 * {@code /usr/bin/python3 tools/make_io_fixtures.py --vitb /tmp/vitb16.pth}, then run
 * {@code java -Xmx... -cp ... org.ibot4j.benchmarks.LoadCheckpointBenchmark /tmp/vitb16.pth [repeats] [mode]}.
 * Modes: {@code reader} ({@link PthReader#load} alone: one float32 copy in heap), {@code eager} (a vit_base
 * {@link VisionTransformer} built, then {@code PthReader.load} + {@link BackboneWeights#load}: model + reader copy)
 * and {@code lazy} (the model built, then {@link PthReader#open} + {@code BackboneWeights.load}: the model only).
 * With {@code -Xmx} about 1.2x the file, {@code lazy} fits and {@code eager} runs out of heap.
 */
public final class LoadCheckpointBenchmark {
    private LoadCheckpointBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LoadCheckpointBenchmark CHECKPOINT.pth [repeats] [reader|eager|lazy]");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String mode = args.length > 2 ? args[2] : "reader";
        long fileBytes = Files.size(path);
        long maxHeap = Runtime.getRuntime().maxMemory();
        System.out.printf(Locale.ROOT, "file %s: %.1f MiB; max heap %.1f MiB (%.2fx the file); mode %s%n", path,
                mib(fileBytes), mib(maxHeap), (double) maxHeap / fileBytes, mode);
        switch (mode) {
            case "reader" -> reader(path, repeats);
            case "eager", "lazy" -> intoModel(path, repeats, mode.equals("lazy"));
            default -> {
                System.err.println("unknown mode '" + mode + "': reader, eager or lazy");
                System.exit(2);
            }
        }
    }

    private static void reader(Path path, int repeats) throws Exception {
        for (int r = 0; r < repeats; r++) {
            System.gc();
            long before = heapUsed();
            resetPeaks();
            long t0 = System.nanoTime();
            Object root = PthReader.load(path);
            long t1 = System.nanoTime();
            long peak = heapPeak();
            Map<String, Tensor> tensors = PthReader.tensors((Map<?, ?>) root);
            long params = 0;
            for (Tensor t : tensors.values()) params += t.size();
            System.out.printf(Locale.ROOT,
                    "run %d: %d tensors, %d params (%.1f MiB as float32) loaded in %.3f s; heap before %.1f MiB, "
                            + "peak during load %.1f MiB (peak - before = %.2fx the float32 data)%n",
                    r, tensors.size(), params, mib(4 * params), (t1 - t0) / 1e9, mib(before), mib(peak),
                    (double) (peak - before) / (4.0 * params));
            root = null;
            tensors = null;
        }
    }

    /** Builds vit_base/16 once, then loads the checkpoint into it {@code repeats} times, eagerly or lazily. */
    private static void intoModel(Path path, int repeats, boolean lazy) throws Exception {
        long tm = System.nanoTime();
        VisionTransformer model = new VisionTransformer(VitArch.config("vit_base", 16, null, null, null), new Rng(0));
        long params = 0;
        for (Tensor t : model.stateDict().values()) params += t.size();
        System.out.printf(Locale.ROOT, "vit_base/16 built in %.3f s: %d params (%.1f MiB as float32)%n",
                (System.nanoTime() - tm) / 1e9, params, mib(4 * params));
        for (int r = 0; r < repeats; r++) {
            System.gc();
            long before = heapUsed();
            resetPeaks();
            long t0 = System.nanoTime();
            BackboneWeights.Report report;
            if (lazy) {
                try (PthArchive archive = PthReader.open(path)) {
                    report = BackboneWeights.load(model, archive.root(), null);
                }
            } else {
                report = BackboneWeights.load(model, PthReader.load(path), null);
            }
            long t1 = System.nanoTime();
            long peak = heapPeak();
            System.out.printf(Locale.ROOT,
                    "run %d (%s): loaded into the model in %.3f s (report clean: %b); heap before (model) %.1f MiB, "
                            + "peak during load %.1f MiB = %.2fx the model's float32 data (peak - before = %.2fx)%n",
                    r, lazy ? "lazy" : "eager", (t1 - t0) / 1e9, report.clean(), mib(before), mib(peak),
                    peak / (4.0 * params), (double) (peak - before) / (4.0 * params));
        }
    }

    private static double mib(long b) { return b / (1024.0 * 1024.0); }

    private static long heapUsed() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) s += p.getUsage().getUsed();
        return s;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    /** Sum of the heap pools' peaks: an upper bound of the true peak (pools peak at different moments). */
    private static long heapPeak() {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) s += p.getPeakUsage().getUsed();
        return s;
    }
}
