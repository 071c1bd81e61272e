package org.ibot4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        Matcher m = Pattern.compile("torch_block_ms=([0-9.]+)").matcher(torch == null ? "" : torch);
        if (m.find()) {
            double t = Double.parseDouble(m.group(1));
            line.append(String.format(" torch=%.1f ms speedup=%.2f", t, t / ours));
        } else {
            line.append(" torch=n/a (").append(torch == null ? "no python3 with torch" : torch.trim()).append(')');
        }
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

    /** Runs the bundled PyTorch script; returns its output line, or null when python/torch is missing. */
    private String timeTorch(int threads) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(python))) return null;
        Path script = Files.createTempFile("ibot4j-bench-block", ".py");
        try {
            try (InputStream in = BenchBlockCommand.class.getResourceAsStream("bench_block_torch.py")) {
                if (in == null) return "bench_block_torch.py missing from the jar";
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder(python, script.toString(), "--threads", "" + threads, "--batch", "" + batch,
                    "--tokens", "" + tokens, "--dim", "" + dim, "--heads", "" + heads, "--reps", "" + reps)
                    .redirectErrorStream(true).start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) out.append(l).append('\n');
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) { p.destroyForcibly(); return "torch timed out"; }
            if (p.exitValue() != 0) {
                String o = out.toString();
                return o.contains("No module named 'torch'") ? null : "torch failed: " + o.lines().reduce((a, b) -> b).orElse("");
            }
            return out.toString();
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
