package org.ibot4j.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.ibot4j.model.SwinConfig;
import org.ibot4j.model.SwinTransformer;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ibot bench swin}: a whole Swin backbone forward+backward (Swin-T/7, batch 8, 224 px by default), timed
 * here and, when {@code python3} with PyTorch is installed, in PyTorch on the same model layout and thread count,
 * one after the other in the same run. Prints {@code swin ... ours=… ms torch=… ms speedup=…} (torch / ours).
 */
@Command(name = "swin", mixinStandardHelpOptions = true,
        description = "Swin backbone forward+backward time against PyTorch on the same machine (when python3-torch is installed).")
final class BenchSwinCommand implements Callable<Integer> {
    @Option(names = "--batch", description = "Images per batch (default ${DEFAULT-VALUE}).") int batch = 8;
    @Option(names = "--img", description = "Image side (default ${DEFAULT-VALUE}).") int img = 224;
    @Option(names = "--patch", description = "Patch size (default ${DEFAULT-VALUE}).") int patch = 4;
    @Option(names = "--dim", description = "Stage-0 width C (default ${DEFAULT-VALUE}, Swin-T).") int dim = 96;
    @Option(names = "--depths", split = ",", description = "Blocks per stage (default 2,2,6,2).") List<Integer> depths = List.of(2, 2, 6, 2);
    @Option(names = "--heads", split = ",", description = "Heads per stage (default 3,6,12,24).") List<Integer> heads = List.of(3, 6, 12, 24);
    @Option(names = "--window", description = "Window size (default ${DEFAULT-VALUE}).") int window = 7;
    @Option(names = "--reps", description = "Timed repetitions after one warm-up; the median is reported (default ${DEFAULT-VALUE}).") int reps = 3;
    @Option(names = "--python", description = "Python with PyTorch for the reference (default ${DEFAULT-VALUE}).") String python = "/usr/bin/python3";

    @Override public Integer call() throws Exception {
        int threads = Backends.current().threads();
        SwinConfig config = new SwinConfig(img, patch, 3, dim, depths, heads, window, 4.0, true, 0f, 1e-6f, false);
        double ours = timeOurs(config);
        String torch = timeTorch(threads);
        StringBuilder line = new StringBuilder(String.format("swin dim=%d depths=%s heads=%s window=%d img=%d batch=%d params=%d threads=%d ours=%.1f ms",
                dim, depths, heads, window, img, batch, config.parameterCount(), threads, ours));
        line.append(PythonReference.comparison(torch, "torch_swin_ms", ours));
        System.out.println("# " + Backends.current().name());
        System.out.println(line);
        return 0;
    }

    private double timeOurs(SwinConfig config) {
        Rng rng = new Rng(0);
        SwinTransformer model = new SwinTransformer(config, rng);
        Tensor x = Tensor.randn(rng, batch, 3, img, img);
        Tensor g = null;
        double[] ms = new double[reps];
        for (int i = -1; i < reps; i++) {
            for (Parameter p : model.parameters()) p.zeroGrad();
            long t0 = System.nanoTime();
            Tensor y = model.forward(x).allTokens();
            if (g == null) g = Tensor.randn(rng, y.dims());
            y.backward(g);
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    private String timeTorch(int threads) throws IOException, InterruptedException {
        return PythonReference.run(python, "bench_swin_torch.py", "--threads", "" + threads, "--batch", "" + batch, "--img", "" + img,
                "--patch", "" + patch, "--dim", "" + dim, "--depths", join(depths), "--heads", join(heads), "--window", "" + window,
                "--reps", "" + reps);
    }

    private static String join(List<Integer> v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) sb.append(sb.isEmpty() ? "" : ",").append(x);
        return sb.toString();
    }
}
