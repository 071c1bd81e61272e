package org.ibot4j.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.nn.Block;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ibot bench block}: one ViT block forward+backward (ViT-S/16 at batch 8 by default), timed here and,
 * when {@code python3} with PyTorch is installed, in PyTorch on the same shapes and thread count, one after the
 * other in the same run. Prints {@code block ... ours=… ms torch=… ms speedup=…} (speedup = torch / ours).
 */
@Command(name = "block", mixinStandardHelpOptions = true,
        description = "ViT block forward+backward time against PyTorch on the same machine (when python3-torch is installed).")
final class BenchBlockCommand implements Callable<Integer> {
    @Option(names = "--dim", description = "Embedding width (default ${DEFAULT-VALUE}, ViT-S).") int dim = 384;
    @Option(names = "--heads", description = "Attention heads (default ${DEFAULT-VALUE}).") int heads = 6;
    @Option(names = "--batch", description = "Images per batch (default ${DEFAULT-VALUE}).") int batch = 8;
    @Option(names = "--tokens", description = "Tokens per image (default ${DEFAULT-VALUE}: 14x14 patches + CLS).") int tokens = 197;
    @Option(names = "--reps", description = "Timed repetitions; the median is reported (default ${DEFAULT-VALUE}).") int reps = 10;
    @Option(names = "--python", description = "Python with PyTorch for the reference (default ${DEFAULT-VALUE}).") String python = "/usr/bin/python3";

    @Override public Integer call() throws Exception {
        int threads = Backends.current().threads();
        double ours = timeOurs();
        String torch = timeTorch(threads);
        StringBuilder line = new StringBuilder(String.format("block dim=%d heads=%d batch=%d tokens=%d threads=%d ours=%.1f ms",
                dim, heads, batch, tokens, threads, ours));
        line.append(PythonReference.comparison(torch, "torch_block_ms", ours));
        System.out.println("# " + Backends.current().name());
        System.out.println(line);
        return 0;
    }

    private double timeOurs() {
        Rng rng = new Rng(0);
        Block block = new Block(dim, heads, rng);
        Tensor x = Tensor.randn(rng, batch, tokens, dim).requiresGrad(true);
        Tensor g = Tensor.randn(rng, batch, tokens, dim);
        double[] ms = new double[reps];
        for (int i = -3; i < reps; i++) {
            for (Parameter p : block.parameters()) p.zeroGrad();
            x.zeroGrad();
            long t0 = System.nanoTime();
            block.forward(x).backward(g);
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    private String timeTorch(int threads) throws IOException, InterruptedException {
        return PythonReference.run(python, "bench_block_torch.py", "--threads", "" + threads, "--batch", "" + batch,
                "--tokens", "" + tokens, "--dim", "" + dim, "--heads", "" + heads, "--reps", "" + reps);
    }
}
