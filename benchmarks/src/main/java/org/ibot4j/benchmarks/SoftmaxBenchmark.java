package org.ibot4j.benchmarks;

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
 * Row softmax on the ViT-S attention shape (batch 8 × 6 heads × 197 queries, rows of 197 keys), one thread:
 * the Vector API kernel against the scalar reference, forward and backward. Scores are rows per second
 * (one op = one row); a forward row moves 2 × 197 × 4 = 1576 bytes, a backward row 3 × 788 = 2364 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SoftmaxBenchmark {
    static final int COLS = 197, ROWS = 8 * 6 * 197;

    private float[] x, y, gy, gx;

    @Setup
    public void setUp() {
        Rng rng = new Rng(0);
        x = new float[ROWS * COLS];
        gy = new float[ROWS * COLS];
        for (int i = 0; i < x.length; i++) { x[i] = (float) (3 * rng.nextGaussian()); gy[i] = (float) rng.nextGaussian(); }
        y = new float[x.length];
        gx = new float[x.length];
        ScalarKernels.softmaxRows(x, 0, y, 0, 0, ROWS, COLS, false);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] forwardVector() {
        VectorKernels.softmaxRows(x, 0, gx, 0, 0, ROWS, COLS, false);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] forwardScalar() {
        ScalarKernels.softmaxRows(x, 0, gx, 0, 0, ROWS, COLS, false);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] backwardVector() {
        VectorKernels.softmaxBackwardRows(y, 0, gy, 0, gx, 0, 0, ROWS, COLS, false);
        return gx;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public float[] backwardScalar() {
        ScalarKernels.softmaxBackwardRows(y, 0, gy, 0, gx, 0, 0, ROWS, COLS, false);
        return gx;
    }
}
