package org.ibot4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ibot4j.nativebind.OpenBlas;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ibot bench ...}: quick kernel benchmarks that print one line per case (JMH lives in benchmarks/). */
@Command(name = "bench", description = "Quick kernel benchmarks.", mixinStandardHelpOptions = true,
        subcommands = {BenchCommand.Gemm.class, BenchBlockCommand.class, BenchStepCommand.class, BenchSwinCommand.class})
public final class BenchCommand implements Runnable {
    @Override public void run() { new picocli.CommandLine(this).usage(System.out); }

    /** The ViT-S/16 matmul shapes at batch 8 (1576 tokens), two square references and the attention batches. */
    static final List<String> DEFAULT_SHAPES = List.of("512x512x512", "1024x1024x1024", "1576x384x1152",
            "1576x384x384", "1576x384x1536", "1576x1536x384", "48x197x64x197:NT", "48x197x197x64");

    /**
     * {@code ibot bench gemm [--threads N]}: GFLOP/s of the Vector API SGEMM and of OpenBLAS (set to the same
     * thread count) per shape, printed as {@code MxKxN ours=… GFLOP/s openblas=… GFLOP/s ratio=…}.
     */
    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = {"SGEMM GFLOP/s of the Vector API kernel against OpenBLAS at the same thread count.",
                    "Shapes are MxKxN or BxMxKxN (a batch of B products), optionally followed by :TT giving the",
                    "layout of A and B (N plain, T transposed), e.g. 48x197x64x197:NT is Q·Kᵀ for 48 heads."})
    static final class Gemm implements Callable<Integer> {
        @Option(names = "--shapes", split = ",", paramLabel = "SHAPE",
                description = "Comma-separated shapes (default: ${DEFAULT-VALUE}).")
        List<String> shapes = new ArrayList<>(DEFAULT_SHAPES);

        @Option(names = "--repeats", description = "Timed repetitions per implementation; the best is reported (default: ${DEFAULT-VALUE}).")
        int repeats = 9;

        @Option(names = "--min-ms", description = "Minimum length of one timed repetition in ms (default: ${DEFAULT-VALUE}).")
        int minMs = 60;

        @Override public Integer call() {
            List<Shape> parsed = shapes.stream().map(Shape::parse).toList();
            Backend ours = Backends.current(); // the global --threads option sets its thread count
            int threads = ours.threads();
            boolean blas = OpenBlas.isAvailable();
            if (blas) OpenBlas.setNumThreads(threads);
            System.out.println("# sgemm, threads=" + threads + ", ours=" + ours.name() + ", openblas="
                    + (blas ? OpenBlas.libraryName() + " (" + OpenBlas.config().trim() + ")" : "not found")
                    + "; best of " + repeats + " repetitions after warm-up");
            for (Shape s : parsed) System.out.println(measure(s, ours, blas));
            return 0;
        }

        private String measure(Shape s, Backend ours, boolean blas) {
            Operands op = Operands.random(s);
            Runnable runOurs = () -> ours.sgemmBatched(s.batch(), s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f,
                    op.a, 0, s.sizeA(), s.lda(), op.b, 0, s.sizeB(), s.ldb(), 0f, op.c, 0, s.sizeC(), s.n());
            Runnable runBlas = () -> {
                for (int i = 0; i < s.batch(); i++)
                    OpenBlas.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, op.a, i * s.sizeA(), s.lda(),
                            op.b, i * s.sizeB(), s.ldb(), 0f, op.cBlas, i * s.sizeC(), s.n());
            };
            double flops = 2.0 * s.batch() * s.m() * s.n() * s.k();
            // One implementation after the other, not interleaved: OpenBLAS's idle workers spin for a while
            // after each call and would steal a core from whatever runs next.
            double bestOurs = best(runOurs, flops), bestBlas = 0;
            String note = "";
            if (blas) {
                bestBlas = best(runBlas, flops);
                double diff = maxRelativeDifference(op.c, op.cBlas);
                if (diff > 1e-4) note = "  # WARNING: results differ from OpenBLAS by " + diff;
            }
            String line = blas
                    ? String.format(Locale.ROOT, "%s ours=%.1f GFLOP/s openblas=%.1f GFLOP/s ratio=%.2f", s.label(), bestOurs, bestBlas, bestOurs / bestBlas)
                    : String.format(Locale.ROOT, "%s ours=%.1f GFLOP/s openblas=n/a ratio=n/a", s.label(), bestOurs);
            return line + note;
        }

        /** Warm up (long enough for C2 to compile the kernels), then the best of the timed repetitions. */
        private double best(Runnable run, double flops) {
            long warmEnd = System.nanoTime() + 1_500_000_000L;
            for (int i = 0; i < 3 || System.nanoTime() < warmEnd; i++) run.run();
            int iters = Math.max(1, (int) Math.ceil(minMs * 1e6 / Math.max(1, timeOnce(run))));
            double best = 0;
            for (int r = 0; r < repeats; r++) best = Math.max(best, gflops(run, iters, flops));
            return best;
        }

        private static long timeOnce(Runnable r) {
            long t0 = System.nanoTime();
            r.run();
            return System.nanoTime() - t0;
        }

        private static double gflops(Runnable r, int iters, double flops) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) r.run();
            return flops * iters / (System.nanoTime() - t0);
        }

        private static double maxRelativeDifference(float[] x, float[] y) {
            double worst = 0;
            for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
            return worst;
        }
    }

    /** One benchmark case: {@code batch} products of op(A) (m×k) and op(B) (k×n), dense, row-major. */
    record Shape(String label, int batch, int m, int k, int n, boolean transA, boolean transB) {
        static Shape parse(String text) {
            String t = text.trim();
            String dims = t, layout = "NN";
            int colon = t.indexOf(':');
            if (colon >= 0) { dims = t.substring(0, colon); layout = t.substring(colon + 1).toUpperCase(); }
            if (!layout.matches("[NT][NT]"))
                throw new IllegalArgumentException("shape " + text + ": layout after ':' must be two of N/T, e.g. :NT");
            int[] d;
            try {
                d = Arrays.stream(dims.split("x")).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape " + text + ": expected MxKxN or BxMxKxN with positive integers");
            }
            if ((d.length != 3 && d.length != 4) || Arrays.stream(d).anyMatch(v -> v <= 0))
                throw new IllegalArgumentException("shape " + text + ": expected MxKxN or BxMxKxN with positive integers");
            int o = d.length - 3;
            return new Shape(t, o == 1 ? d[0] : 1, d[o], d[o + 1], d[o + 2], layout.charAt(0) == 'T', layout.charAt(1) == 'T');
        }

        int lda() { return transA ? m : k; }
        int ldb() { return transB ? k : n; }
        int sizeA() { return m * k; }
        int sizeB() { return k * n; }
        int sizeC() { return m * n; }
    }

    /** Random operands for a shape, plus separate outputs for each implementation. */
    private record Operands(float[] a, float[] b, float[] c, float[] cBlas) {
        static Operands random(Shape s) {
            SplittableRandom r = new SplittableRandom(42);
            float[] a = new float[s.batch() * s.sizeA()], b = new float[s.batch() * s.sizeB()];
            for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextDouble() * 2 - 1);
            return new Operands(a, b, new float[s.batch() * s.sizeC()], new float[s.batch() * s.sizeC()]);
        }
    }
}
