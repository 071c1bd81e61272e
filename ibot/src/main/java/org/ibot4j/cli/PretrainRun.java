package org.ibot4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.FashionMnist;
import org.ibot4j.data.ImageFolderDataset;
import org.ibot4j.eval.Features;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.backend.DeviceSelection;
import org.ibot4j.train.TrainConfig;
import org.ibot4j.train.TrainStep;
import org.ibot4j.train.Trainer;

/**
 * Runs a pre-training job from a resolved {@link TrainConfig}: the data ({@code --data_path} is an image folder,
 * or a folder holding the Fashion-MNIST idx files), the {@link Trainer}, and for Fashion-MNIST with
 * {@code --knn_subset N > 0} a k-NN check of the teacher backbone's CLS features (train split bank, held-out
 * test split queries, N images each) against the same network at random init, printed and written to
 * {@code OUTPUT_DIR/knn.json}.
 */
final class PretrainRun {
    private PretrainRun() {}

    static int run(TrainConfig cfg, PrintWriter out, PrintWriter err) throws IOException {
        Path dp = Path.of(cfg.dataPath());
        boolean fmnist = FashionMnist.holdsSplit(dp, true);
        Dataset train, test = null;
        if (fmnist) {
            train = FashionMnist.load(dp, true);
            test = FashionMnist.load(dp, false);
        } else if (Files.isDirectory(dp)) {
            train = new ImageFolderDataset(dp);
        } else if (dp.equals(FashionMnist.DEFAULT_DIR)) {
            err.println("pretrain: Fashion-MNIST not found in " + dp + "; install it with: apt-get install dataset-fashion-mnist"
                    + " (or put the four *-idx?-ubyte.gz files there), or pass --data_path DIR");
            return 2;
        } else {
            err.println("pretrain: --data_path " + dp + " is not a folder" + (cfg.dataPath().startsWith("/path/to/")
                    ? " (the reference's placeholder default; pass --data_path DIR, or add --config conf/fashion_mnist.yaml"
                      + " to change flags of the built-in Fashion-MNIST run that `pretrain` alone starts)" : ""));
            return 2;
        }
        Dataset used = Trainer.subset(train, cfg.trainSubset());
        out.printf(Locale.ROOT, "pretrain: %s (dim %s) on %d images of %s, %d epochs, batch %d, output %s%n", cfg.arch(),
                cfg.embedDim() == null ? "preset" : cfg.embedDim().toString(), used.size(), dp, cfg.epochs(),
                cfg.batchSizePerGpu(), cfg.outputDir().toAbsolutePath().normalize());
        out.flush();
        Backbone randomInit = Trainer.networks(cfg).teacher().backbone();
        Trainer trainer = new Trainer(cfg, used, out, err).on(DeviceSelection.selected(System.err));
        long t0 = System.nanoTime();
        try {
            trainer.run();
        } catch (TrainStep.NonFiniteLossException e) {
            err.println("pretrain: " + e.getMessage() + " (the last checkpoint in " + cfg.outputDir() + " is intact)");
            return 1;
        }
        out.printf(Locale.ROOT, "pretrain: trained in %.1f s; checkpoint %s%n", (System.nanoTime() - t0) / 1e9,
                cfg.outputDir().resolve("checkpoint.pth"));
        if (cfg.knnSubset() > 0 && test != null) {
            EvalTransform tf = EvalTransform.forCrop(cfg.globalCropSize());
            int n = cfg.knnSubset();
            double top1 = knn(trainer.teacher().backbone(), train, test, n, tf, cfg.knnK());
            double base = knn(randomInit, train, test, n, tf, cfg.knnK());
            out.printf(Locale.ROOT, "k-NN (teacher CLS, k=%d, %d train / %d held-out test images): top-1 %.2f%% (random init %.2f%%)%n",
                    cfg.knnK(), Math.min(n, train.size()), Math.min(n, test.size()), 100 * top1, 100 * base);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("k", cfg.knnK());
            json.put("top1", top1);
            json.put("random_init_top1", base);
            json.put("train_images", Math.min(n, train.size()));
            json.put("test_images", Math.min(n, test.size()));
            byte[] bytes = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
            Path target = cfg.outputDir().resolve("knn.json"), tmp = cfg.outputDir().resolve("knn.json.tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return 0;
    }

    private static double knn(Backbone backbone, Dataset train, Dataset test, int n, EvalTransform tf, int k) {
        Features.Set bank = Features.cls(backbone, train, n, tf, 128);
        Features.Set queries = Features.cls(backbone, test, n, tf, 128);
        return Features.knnTop1(bank, queries, k);
    }
}
