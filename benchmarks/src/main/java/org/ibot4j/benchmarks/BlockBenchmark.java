package org.ibot4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.ibot4j.runtime.nn.Block;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ViT-S/16 block (dim 384, 6 heads, MLP 1536) forward + backward at batch 8 (8×197 tokens).
 * Compare with {@code ibot/src/main/resources/org/ibot4j/cli/bench_block_torch.py} (PyTorch, same shapes and threads), or run
 * {@code ibot bench block}, which measures both in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BlockBenchmark {
    private Block block;
    private Tensor x, upstream;

    @Setup
    public void setUp() {
        Rng rng = new Rng(0);
        block = new Block(384, 6, rng);
        x = Tensor.randn(rng, 8, 197, 384).requiresGrad(true);
        upstream = Tensor.randn(rng, 8, 197, 384);
    }

    @Benchmark
    public Tensor forwardBackward() {
        for (Parameter p : block.parameters()) p.zeroGrad();
        x.zeroGrad();
        Tensor y = block.forward(x);
        y.backward(upstream);
        return x.grad();
    }
}
