package org.ibot4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ibot4j.nativebind.OpenBlas;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.cpu.CpuBackend;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM throughput: the Vector API kernel ({@code impl=ours}) against OpenBLAS over FFM ({@code impl=openblas}),
 * both on {@code threads} threads, for two square references, the ViT-S/16 matmuls at batch 8 (1576 tokens)
 * and the batched attention products (48 heads, Q·Kᵀ and P·V). Shapes are {@code [B x] M x K x N} with an
 * optional {@code :TT} layout (N plain, T transposed). The {@code gflop} secondary result is GFLOP/s;
 * the primary score is calls per second.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar GemmBenchmark -p threads=2}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    @Param({"512x512x512", "1024x1024x1024", "1576x384x1152", "1576x384x384", "1576x384x1536", "1576x1536x384",
            "48x197x64x197:NT", "48x197x197x64"})
    public String shape;

    @Param({"ours", "openblas"})
    public String impl;

    @Param({"2"})
    public int threads;

    private int batch, m, k, n, lda, ldb;
    private boolean transA, transB;
    private float[] a, b, c;
    private Backend ours;
    private double gflopPerCall;

    /** GFLOP done, reported by JMH per second: the GFLOP/s of the run. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() { gflop = 0; }
    }

    @Setup
    public void setUp() {
        String dims = shape, layout = "NN";
        int colon = shape.indexOf(':');
        if (colon >= 0) { dims = shape.substring(0, colon); layout = shape.substring(colon + 1); }
        String[] d = dims.split("x");
        int o = d.length - 3;
        batch = o == 1 ? Integer.parseInt(d[0]) : 1;
        m = Integer.parseInt(d[o]);
        k = Integer.parseInt(d[o + 1]);
        n = Integer.parseInt(d[o + 2]);
        transA = layout.charAt(0) == 'T';
        transB = layout.charAt(1) == 'T';
        lda = transA ? m : k;
        ldb = transB ? k : n;
        SplittableRandom r = new SplittableRandom(1);
        a = new float[batch * m * k];
        b = new float[batch * k * n];
        c = new float[batch * m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) (r.nextDouble() * 2 - 1);
        gflopPerCall = 2e-9 * batch * m * n * k;
        switch (impl) {
            case "ours" -> ours = CpuBackend.vector(threads);
            case "openblas" -> {
                if (!OpenBlas.isAvailable()) throw new IllegalStateException("OpenBLAS is not installed: impl=openblas has nothing to run");
                OpenBlas.setNumThreads(threads);
            }
            default -> throw new IllegalArgumentException("impl must be ours or openblas, got " + impl);
        }
    }

    @Benchmark
    public float[] sgemm(Flops flops) {
        if (ours != null) {
            ours.sgemmBatched(batch, transA, transB, m, n, k, 1f, a, 0, m * k, lda, b, 0, k * n, ldb, 0f, c, 0, m * n, n);
        } else {
            for (int i = 0; i < batch; i++)
                OpenBlas.sgemm(transA, transB, m, n, k, 1f, a, i * m * k, lda, b, i * k * n, ldb, 0f, c, i * m * n, n);
        }
        flops.gflop += gflopPerCall;
        return c;
    }
}
