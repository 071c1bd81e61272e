package org.ibot4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Loads a PyTorch checkpoint a few times and reports wall time and peak Java heap, to hold the loader to
 * "seconds, and about one float32 copy of the weights in heap". Make the ViT-B/16 input with
 * {@code /usr/bin/python3 tools/make_io_fixtures.py --vitb /tmp/vitb16.pth}, then run, e.g. with a heap cap of
 * 1.2x the file size to prove it fits:
 * {@code java -Xmx412m -cp ... org.ibot4j.benchmarks.LoadCheckpointBenchmark /tmp/vitb16.pth 3}.
 */
public final class LoadCheckpointBenchmark {
    private LoadCheckpointBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LoadCheckpointBenchmark CHECKPOINT.pth [repeats]");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long fileBytes = Files.size(path);
        long maxHeap = Runtime.getRuntime().maxMemory();
        System.out.printf(Locale.ROOT, "file %s: %.1f MiB; max heap %.1f MiB (%.2fx the file)%n", path,
                mib(fileBytes), mib(maxHeap), (double) maxHeap / fileBytes);
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
