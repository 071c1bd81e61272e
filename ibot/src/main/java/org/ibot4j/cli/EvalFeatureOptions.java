package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.eval.AugmentedFeatures;
import org.ibot4j.eval.FeatureCache;
import org.ibot4j.eval.Features;
import org.ibot4j.model.Backbone;
import picocli.CommandLine.Option;

/**
 * The feature flags {@code eval_knn} and {@code eval_linear} share, and the pipeline they imply: features of a
 * frozen backbone (weights, or {@code --random_init}), or the raw-pixel baseline ({@code --pixels}), or a cache
 * ({@code --load_features}); optionally written to a cache ({@code --dump_features}). Used as a picocli
 * {@code @Mixin} next to {@link BackboneOptions} and {@link EvalDataOptions}.
 */
public final class EvalFeatureOptions {
    /**
     * Train and val features, the number of classes, and what they are (for the results file); with train-time
     * augmentation, {@code augmented} recomputes the training features of any epoch ({@code features().train()}
     * is epoch 0's), else it is null.
     */
    public record Loaded(FeatureCache.Pair features, int classes, Map<String, Object> info, AugmentedFeatures augmented) {
        public Loaded(FeatureCache.Pair features, int classes, Map<String, Object> info) { this(features, classes, info, null); }
    }

    @Option(names = "--n_last_blocks", paramLabel = "N",
            description = "Concatenate the CLS tokens of the last N blocks (default: 1 for eval_knn; eval_linear: 4, or 1 for vit_base/vit_large).")
    Integer nLastBlocks;

    @Option(names = "--avgpool_patchtokens", paramLabel = "0|1|2",
            description = "0: CLS tokens of the last N blocks; 1: mean of the last block's patch tokens; 2: both concatenated "
                    + "(default: 0; eval_linear: 2 for vit_base/vit_large).")
    Integer avgpool;

    @Option(names = "--batch_size_per_gpu", defaultValue = "128", paramLabel = "B",
            description = "Images per forward pass (eval_linear: also rows per SGD step; default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--dump_features", paramLabel = "DIR",
            description = "Write the features to DIR as trainfeat.npy, trainlabels.npy, valfeat.npy, vallabels.npy.")
    Path dumpFeatures;

    @Option(names = "--load_features", paramLabel = "DIR",
            description = "Reuse features written by --dump_features instead of computing them (no weights or images needed).")
    Path loadFeatures;

    @Option(names = "--random_init", description = "Baseline: the architecture at its seeded random init (with --pretrained_weights: that checkpoint's architecture, its weights unused).")
    boolean randomInit;

    @Option(names = "--pixels", description = "Baseline: features are the normalised evaluation-transform pixels, flattened (3*S*S values).")
    boolean pixels;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of --random_init (eval_linear: also of the classifiers and batch order; default: ${DEFAULT-VALUE}).")
    long seed;

    public int batchSize() { return batchSize; }

    public long seed() { return seed; }

    /** The feature mode these flags ask for, {@code fallback} filling what they leave out. */
    public Features.Mode mode(Features.Mode fallback) {
        return new Features.Mode(nLastBlocks != null ? nLastBlocks : fallback.nLastBlocks(), avgpool != null ? avgpool : fallback.avgpool());
    }

    /**
     * The features of both splits: loaded, or computed (with progress on {@code err}) and dumped when asked.
     * {@code defaultMode} is the command's feature mode when the flags leave it open.
     */
    public Loaded load(BackboneOptions backbone, EvalDataOptions data, Features.Mode defaultMode, PrintWriter err, String cmd) throws IOException {
        return load(backbone, data, defaultMode, err, cmd, false);
    }

    /**
     * As {@link #load(BackboneOptions, EvalDataOptions, Features.Mode, PrintWriter, String)}; with
     * {@code augmentTrain} the training features are those of {@link AugmentedFeatures} (seeded by {@code --seed}),
     * epoch 0's computed here, which needs a backbone (no --pixels, --load_features or --dump_features).
     */
    public Loaded load(BackboneOptions backbone, EvalDataOptions data, Features.Mode defaultMode, PrintWriter err, String cmd,
                       boolean augmentTrain) throws IOException {
        if (augmentTrain && (pixels || loadFeatures != null || dumpFeatures != null))
            throw new IllegalArgumentException("--train_augment recomputes backbone features every epoch: it cannot be combined with --pixels, --load_features or --dump_features");
        if (batchSize < 1) throw new IllegalArgumentException("--batch_size_per_gpu must be >= 1, got " + batchSize);
        if (randomInit && pixels) throw new IllegalArgumentException("--random_init and --pixels are two different baselines: pick one");
        Map<String, Object> info = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        if (loadFeatures != null) {
            if (randomInit || pixels) throw new IllegalArgumentException("--load_features reuses cached features: drop --random_init/--pixels");
            if (dumpFeatures != null) throw new IllegalArgumentException("--load_features and --dump_features together would only copy the cache");
            FeatureCache.Pair p = FeatureCache.load(loadFeatures);
            checkCount("train", p.train().size(), data.trainSubset);
            checkCount("val", p.val().size(), data.valSubset);
            int classes = Math.max(p.train().classes(), p.val().classes());
            info.put("source", "cache");
            info.put("cache", loadFeatures.toAbsolutePath().toString());
            err.println(cmd + ": features from " + loadFeatures + ": " + p.train().size() + " train, " + p.val().size() + " val, dim " + p.train().dim());
            err.flush();
            return finish(new Loaded(p, classes, info), t0);
        }
        int size = backbone.imageSize();
        EvalTransform tf = EvalTransform.forCrop(size);
        Backbone model = null;
        Features.Mode mode = null;
        if (pixels) {
            info.put("source", "pixels");
            info.put("image_size", size);
        } else {  // the model first, so that a weights problem shows before any image is read
            if (randomInit) {
                model = backbone.randomInit(size, seed);  // with --pretrained_weights: that checkpoint's architecture
                info.put("source", "random_init");
                info.put("seed", seed);
                if (backbone.weights() != null) info.put("architecture_of", backbone.weights().toAbsolutePath().toString());
            } else {
                if (backbone.weights() == null)
                    throw new IllegalArgumentException("--pretrained_weights FILE is required (or --random_init / --pixels for a baseline, or --load_features DIR)");
                model = backbone.load(size);
                info.put("source", "weights");
                info.put("weights", backbone.weights().toAbsolutePath().toString());
                info.put("checkpoint_key", backbone.checkpointKey());
            }
            model.to(org.ibot4j.runtime.backend.DeviceSelection.selected(System.err));  // features on the GPU when chosen
            mode = mode(defaultMode);
            if (nLastBlocks == null && mode.nLastBlocks() > model.depth()) {  // a default, not a request: fit it to a shallow model
                mode = new Features.Mode(model.depth(), mode.avgpool());
                err.println(cmd + ": note: the model has only " + model.depth() + " blocks; using --n_last_blocks " + model.depth());
            }
            if (mode.blocksNeeded() > model.depth())
                throw new IllegalArgumentException("--n_last_blocks " + mode.nLastBlocks() + " exceeds the " + model.depth() + " blocks of " + model.describe());
            info.put("model", model.describe());
            info.put("arch", backbone.arch());
            info.put("image_size", size);
            info.put("n_last_blocks", mode.nLastBlocks());
            info.put("avgpool_patchtokens", mode.avgpool());
        }
        EvalDataOptions.Splits splits = data.load(err);
        err.println(cmd + ": " + splits.description());
        err.flush();
        Features.Set train, val;
        AugmentedFeatures augmented = null;
        if (model == null) {
            train = Features.pixels(splits.train(), splits.train().size(), tf, err, "train");
            val = Features.pixels(splits.val(), splits.val().size(), tf, err, "val");
        } else {
            err.println(cmd + ": " + model.describe() + ", " + size + " px crops, features: " + mode);
            err.flush();
            if (augmentTrain) {
                augmented = new AugmentedFeatures(model, mode, splits.train(), splits.train().size(), size, batchSize, seed);
                train = augmented.epoch(0, err);
                info.put("train_augment", true);
            } else train = Features.extract(model, mode, splits.train(), splits.train().size(), tf, batchSize, err, "train");
            val = Features.extract(model, mode, splits.val(), splits.val().size(), tf, batchSize, err, "val");
        }
        info.put("data", splits.description());
        FeatureCache.Pair p = new FeatureCache.Pair(train, val);
        if (dumpFeatures != null) {
            FeatureCache.save(dumpFeatures, p);
            info.put("dumped_to", dumpFeatures.toAbsolutePath().toString());
            err.println(cmd + ": wrote features to " + dumpFeatures);
            err.flush();
        }
        return finish(new Loaded(p, splits.train().numClasses(), info, augmented), t0);
    }

    private static Loaded finish(Loaded l, long t0) {
        l.info().put("feature_dim", l.features().train().dim());
        l.info().put("train_count", l.features().train().size());
        l.info().put("val_count", l.features().val().size());
        l.info().put("classes", l.classes());
        l.info().put("seconds", (System.nanoTime() - t0) / 1e9);
        return l;
    }

    private void checkCount(String split, int cached, int subset) {
        if (subset > 0 && cached != subset)
            throw new IllegalArgumentException("cached " + split + " features in " + loadFeatures + " hold " + cached + " rows but --"
                    + split + "_subset is " + subset + ": dump them again or drop the flag");
    }
}
