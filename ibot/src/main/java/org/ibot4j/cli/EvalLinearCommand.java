package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.ibot4j.eval.Features;
import org.ibot4j.eval.LinearProbe;
import org.ibot4j.eval.LinearSweep;
import org.ibot4j.runtime.io.PthWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ibot eval_linear} (spec 9.3, the multi-LR version): linear classifiers on frozen-backbone features,
 * 45 learning rates trained at once; reports the best validation top-1/top-5 over learning rates and epochs and
 * writes that classifier ({@code linear.pth}), the results ({@code linear.json}) and a per-epoch JSON-lines log
 * ({@code log.txt}).
 */
@Command(name = "eval_linear", mixinStandardHelpOptions = true,
        description = {"Linear probing of a frozen backbone (spec 9.3): 45 linear classifiers, one",
                "per base LR in {1..9}x{1e-4,1e-3,1e-2,1e-1,1} (lr = base*B/256; --lr X trains",
                "one), SGD with momentum 0.9 and a per-epoch cosine to 0, trained together on",
                "the same batches. Reports the best val top-1/top-5 over LRs and epochs.",
                "Features: ViT-Tiny/Small and Swin: CLS (Swin: mean) tokens of the last 4",
                "blocks; ViT-Base/Large: last CLS + mean patch token.",
                "By default train features come from the evaluation transform, computed once",
                "(fast; unlike the reference). --train_augment does as the reference: every",
                "epoch each train image is re-cropped (RandomResizedCrop S, scale 0.08-1,",
                "bilinear) and flipped (p 0.5), seeded by --seed, and the frozen backbone",
                "recomputes its features (a backbone pass per image and epoch). Val features",
                "always come from the evaluation transform, computed once.",
                "Writes OUTPUT_DIR/linear.pth (linear.weight, linear.bias), linear.json and",
                "log.txt (one JSON line per epoch).",
                ""})
public final class EvalLinearCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackboneOptions backbone;

    @Mixin EvalDataOptions data;

    @Mixin EvalFeatureOptions features;

    @Option(names = "--epochs", defaultValue = "100", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", paramLabel = "LR", description = "One base learning rate instead of the 45-value sweep (scaled by B/256).")
    Double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight_decay", defaultValue = "0", description = "SGD weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--val_freq", defaultValue = "1", description = "Validate every N epochs, and after the last (default: ${DEFAULT-VALUE}).")
    int valFreq;

    @Option(names = "--train_augment", description = "Reference train-time augmentation: RandomResizedCrop (scale 0.08-1, bilinear) + flip, "
            + "train features recomputed by the backbone every epoch (slow; not with --pixels/--load_features/--dump_features).")
    boolean trainAugment;

    @Option(names = "--output_dir", defaultValue = ".", paramLabel = "DIR", description = "Where to write linear.pth, linear.json and log.txt (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Override public Integer call() {
        return CommandErrors.run(spec, CommandErrors.AS_IS, this::run);
    }

    private void run(PrintWriter err) throws IOException {
        if (lr != null && (!(lr > 0) || lr.isInfinite())) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        LinearSweep.Config cfg = new LinearSweep.Config(lr != null ? new double[] {lr} : LinearSweep.defaultBaseLrs(), epochs,
                features.batchSize(), momentum, weightDecay, valFreq, features.seed());
        EvalFeatureOptions.Loaded f = features.load(backbone, data, LinearProbe.defaultMode(backbone.arch()), err, "eval_linear", trainAugment);
        Features.Set train = f.features().train(), val = f.features().val();
        err.println(String.format(Locale.ROOT, "eval_linear: %d classifier%s on %d-d features, %d classes, %d epochs, batch %d",
                cfg.baseLrs().length, cfg.baseLrs().length == 1 ? "" : "s", train.dim(), f.classes(), epochs, cfg.batchSize()));
        err.flush();

        Path log = outputDir.resolve("log.txt");
        EvalResults.startLog(log);
        double[] bestSoFar = {-1};
        IOException[] logFailure = {null};
        long t0 = System.nanoTime();
        IntFunction<Features.Set> trainForEpoch = f.augmented() == null ? e -> train : e -> f.augmented().epoch(e, err);
        LinearSweep.Result r = LinearSweep.train(train, trainForEpoch, val, f.classes(), cfg, e -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("epoch", e.epoch());
            line.put("lr_factor", e.lrFactor());
            int minLoss = argBest(e.trainLoss(), false);
            line.put("train_loss_min", e.trainLoss()[minLoss]);
            line.put("train_loss_min_lr", cfg.baseLrs()[minLoss]);
            if (e.validated()) {
                int b = argBest(e.valTop1(), true);
                bestSoFar[0] = Math.max(bestSoFar[0], e.valTop1()[b]);
                line.put("val_acc1", 100 * e.valTop1()[b]);
                line.put("val_acc5", 100 * e.valTop5()[b]);
                line.put("val_lr", cfg.baseLrs()[b]);
                line.put("train_loss", e.trainLoss()[b]);
                line.put("best_acc1", 100 * bestSoFar[0]);
                if (epochs <= 20 || e.epoch() % Math.max(1, epochs / 10) == 0 || e.epoch() == epochs)
                    err.println(String.format(Locale.ROOT, "Epoch %d/%d  val top-1 %.2f%% top-5 %.2f%% (base lr %s)  best so far %.2f%%  train loss %.4f",
                        e.epoch(), epochs, 100 * e.valTop1()[b], 100 * e.valTop5()[b], cfg.baseLrs()[b], 100 * bestSoFar[0], e.trainLoss()[b]));
                err.flush();
            }
            try {
                EvalResults.appendLine(log, line);
            } catch (IOException ex) {
                if (logFailure[0] == null) logFailure[0] = ex;
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (logFailure[0] != null) throw new IOException("cannot write " + log + ": " + logFailure[0].getMessage(), logFailure[0]);

        Path pth = outputDir.resolve("linear.pth");
        PthWriter.save(pth, LinearProbe.stateDict(r));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "eval_linear");
        json.put("top1", 100 * r.top1());
        json.put("top5", 100 * r.top5());
        json.put("best_base_lr", r.bestBaseLr());
        json.put("best_lr", r.bestLr());
        json.put("best_epoch", r.bestEpoch());
        json.put("epochs", epochs);
        json.put("batch_size", cfg.batchSize());
        json.put("momentum", momentum);
        json.put("weight_decay", weightDecay);
        json.put("val_freq", valFreq);
        json.put("seed", features.seed());
        json.put("augmentation", f.augmented() != null
                ? "RandomResizedCrop(" + f.augmented().size() + ", scale (0.08, 1), bilinear) + horizontal flip 0.5, train features recomputed every epoch (seed " + features.seed() + ")"
                : "none (features from the evaluation transform, computed once)");
        json.put("features", f.info());
        List<Map<String, Object>> sweep = new ArrayList<>();
        for (int i = 0; i < cfg.baseLrs().length; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("base_lr", cfg.baseLrs()[i]);
            row.put("lr", cfg.lr(i));
            row.put("best_top1", 100 * r.bestTop1PerLr()[i]);
            row.put("best_epoch", r.bestEpochPerLr()[i]);
            sweep.add(row);
        }
        json.put("sweep", sweep);
        json.put("classifier", pth.toAbsolutePath().toString());
        json.put("seconds_training", seconds);
        Path file = outputDir.resolve("linear.json");
        EvalResults.write(file, json);

        PrintWriter out = spec.commandLine().getOut();
        out.println(String.format(Locale.ROOT, "Linear probe on %d-d features (%s): best val top-1 %.2f%%, top-5 %.2f%% "
                        + "(base lr %s = lr %s, epoch %d of %d; best of %d learning rates)", train.dim(), f.info().get("source"),
                100 * r.top1(), 100 * r.top5(), r.bestBaseLr(), r.bestLr(), r.bestEpoch(), epochs, cfg.baseLrs().length));
        out.println("wrote " + pth + ", " + file + " and " + log);
        out.flush();
    }

    /** Index of the largest (or smallest) value; NaN never wins; ties: the first. */
    private static int argBest(double[] v, boolean largest) {
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) continue;
            if (best < 0 || (largest ? v[i] > v[best] : v[i] < v[best])) best = i;
        }
        return Math.max(best, 0);
    }
}
