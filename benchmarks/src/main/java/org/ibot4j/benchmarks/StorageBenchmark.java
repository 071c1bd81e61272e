package org.ibot4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Heap {@code float[]} versus off-heap {@code MemorySegment} as tensor storage: the same Vector API
 * dot product and axpy over both. This is the measurement behind the storage choice in the README.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class StorageBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** 16K floats stay in L1/L2; 4M floats stream from L3/DRAM. */
    @Param({"16384", "4194304"})
    public int n;

    private float[] xa, ya;
    private Arena arena;
    private MemorySegment xs, ys;

    @Setup(Level.Trial)
    public void setUp() {
        xa = new float[n];
        ya = new float[n];
        for (int i = 0; i < n; i++) { xa[i] = (i % 97) * 0.01f; ya[i] = (i % 89) * 0.02f; }
        arena = Arena.ofShared();
        xs = arena.allocate((long) n * 4, 64);
        ys = arena.allocate((long) n * 4, 64);
        MemorySegment.copy(xa, 0, xs, ValueLayout.JAVA_FLOAT, 0, n);
        MemorySegment.copy(ya, 0, ys, ValueLayout.JAVA_FLOAT, 0, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() { arena.close(); }

    @Benchmark
    public float dotHeap() {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            acc = FloatVector.fromArray(S, xa, i).fma(FloatVector.fromArray(S, ya, i), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += xa[i] * ya[i];
        return s;
    }

    @Benchmark
    public float dotSegment() {
        FloatVector acc = FloatVector.zero(S);
        long i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length())
            acc = FloatVector.fromMemorySegment(S, xs, i * 4, ByteOrder.nativeOrder())
                    .fma(FloatVector.fromMemorySegment(S, ys, i * 4, ByteOrder.nativeOrder()), acc);
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += xs.getAtIndex(ValueLayout.JAVA_FLOAT, i) * ys.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        return s;
    }

    @Benchmark
    public float[] axpyHeap() {
        int i = 0, bound = S.loopBound(n);
        FloatVector a = FloatVector.broadcast(S, 1e-3f);
        for (; i < bound; i += S.length())
            FloatVector.fromArray(S, xa, i).fma(a, FloatVector.fromArray(S, ya, i)).intoArray(ya, i);
        for (; i < n; i++) ya[i] += 1e-3f * xa[i];
        return ya;
    }

    @Benchmark
    public MemorySegment axpySegment() {
        long i = 0, bound = S.loopBound(n);
        FloatVector a = FloatVector.broadcast(S, 1e-3f);
        for (; i < bound; i += S.length())
            FloatVector.fromMemorySegment(S, xs, i * 4, ByteOrder.nativeOrder()).fma(a, FloatVector.fromMemorySegment(S, ys, i * 4, ByteOrder.nativeOrder()))
                    .intoMemorySegment(ys, i * 4, ByteOrder.nativeOrder());
        for (; i < n; i++) ys.setAtIndex(ValueLayout.JAVA_FLOAT, i, ys.getAtIndex(ValueLayout.JAVA_FLOAT, i) + 1e-3f * xs.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        return ys;
    }
}
