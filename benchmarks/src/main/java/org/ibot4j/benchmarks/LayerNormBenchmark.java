package org.ibot4j.benchmarks;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.ibot4j.runtime.backend.cpu.ScalarKernels;
import org.ibot4j.runtime.backend.cpu.VectorKernels;
import org.ibot4j.runtime.random.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Layer norm on the ViT-S token shape (8 × 197 = 1576 rows of 384), one thread: the Vector API kernel against
 * the scalar reference, forward (with weight and bias) and backward (gx plus accumulated gw, gb). Scores are
 * rows per second (one op = one row); a forward row moves 2 × 384 × 4 = 3072 bytes, a backward row 4608.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LayerNormBenchmark {
    static final int ROWS = 8 * 197, COLS = 384;

    private float[] x, w, b, y, mean, rstd, gy, gx, gw, gb;

    @Setup
    public void setUp() {
        Rng rng = new Rng(0);
        x = randn(rng, ROWS * COLS, 2, 0.5);
        w = randn(rng, COLS, 0.2, 1);
        b = randn(rng, COLS, 0.2, 0);
        gy = randn(rng, ROWS * COLS, 1, 0);
        y = new float[ROWS * COLS];
        gx = new float[ROWS * COLS];
        mean = new float[ROWS];
        rstd = new float[ROWS];
        gw = new float[COLS];
        gb = new float[COLS];
        ScalarKernels.layerNormRows(x, 0, w, b, y, 0, mean, rstd, 0, ROWS, COLS, 1e-6f);
    }

    private static float[] randn(Rng rng, int n, double scale, double shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (shift + scale * rng.nextGaussian());
        return a;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] forwardVector() {
        VectorKernels.layerNormRows(x, 0, w, b, y, 0, mean, rstd, 0, ROWS, COLS, 1e-6f);
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] forwardScalar() {
        ScalarKernels.layerNormRows(x, 0, w, b, y, 0, mean, rstd, 0, ROWS, COLS, 1e-6f);
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] backwardVector() {
        Arrays.fill(gw, 0f);
        Arrays.fill(gb, 0f);
        VectorKernels.layerNormBackwardRows(x, 0, w, mean, rstd, gy, 0, gx, 0, gw, gb, 0, ROWS, COLS);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] backwardScalar() {
        Arrays.fill(gw, 0f);
        Arrays.fill(gb, 0f);
        ScalarKernels.layerNormBackwardRows(x, 0, w, mean, rstd, gy, 0, gx, 0, gw, gb, 0, ROWS, COLS);
        return gx;
    }
}
