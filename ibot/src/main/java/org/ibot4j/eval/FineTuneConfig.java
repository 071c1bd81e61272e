package org.ibot4j.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a fine-tuning run (spec 9.4; defaults in {@code ibot finetune --help}).
 *
 * @param epochs          epochs to train
 * @param batchSize       images per step (drop-last batches)
 * @param lr              peak learning rate, used as is (no batch scaling)
 * @param minLr           final learning rate of the cosine
 * @param warmupEpochs    linear warm-up from 0, in epochs (must be shorter than the run)
 * @param weightDecay     AdamW weight decay of the decayed groups (constant)
 * @param layerDecay      layer-wise LR decay {@code ld}
 * @param dropPath        maximum stochastic-depth rate the backbone was built with (recorded only)
 * @param smoothing       label smoothing
 * @param mixup           Mixup α (0 disables)
 * @param cutmix          CutMix α (0 disables)
 * @param mixupProb       probability of mixing a batch
 * @param mixupSwitchProb probability of CutMix when both are enabled
 * @param reprob          random-erasing probability
 * @param imageSize       training/evaluation crop side
 * @param seed            randomness of head init, data order, augmentation, mixing and drop path
 * @param numWorkers      background batch-preparation threads (0 = on the training thread)
 * @param outputDir       where log.txt, checkpoint.pth, best.pth and finetune.json go
 */
public record FineTuneConfig(int epochs, int batchSize, double lr, double minLr, int warmupEpochs, double weightDecay,
                             double layerDecay, double dropPath, double smoothing, double mixup, double cutmix, double mixupProb,
                             double mixupSwitchProb, double reprob, int imageSize, long seed, int numWorkers, Path outputDir) {
    public FineTuneConfig {
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(batchSize >= 1, "--batch_size must be >= 1, got " + batchSize);
        require(lr > 0 && Double.isFinite(lr), "--lr must be > 0, got " + lr);
        require(minLr >= 0 && Double.isFinite(minLr), "--min_lr must be >= 0, got " + minLr);
        require(warmupEpochs >= 0, "--warmup_epochs must be >= 0, got " + warmupEpochs);
        require(warmupEpochs < epochs, "--warmup_epochs " + warmupEpochs + " must be shorter than --epochs " + epochs);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "--weight_decay must be >= 0, got " + weightDecay);
        require(layerDecay > 0 && layerDecay <= 1, "--layer_decay must be in (0, 1], got " + layerDecay);
        require(dropPath >= 0 && dropPath < 1, "--drop_path must be in [0, 1), got " + dropPath);
        require(imageSize >= 1, "--image_size must be >= 1, got " + imageSize);
        require(numWorkers >= 0, "--num_workers must be >= 0, got " + numWorkers);
        require(outputDir != null, "--output_dir is required");
        new Mixup(mixup, cutmix, mixupProb, mixupSwitchProb, smoothing, 1); // validates the mixing flags
        require(reprob >= 0 && reprob <= 1, "--reprob must be in [0, 1], got " + reprob);
    }

    private static void require(boolean ok, String message) { if (!ok) throw new IllegalArgumentException(message); }

    /** The mixing of batches for {@code numClasses} classes. */
    public Mixup mixupFor(int numClasses) { return new Mixup(mixup, cutmix, mixupProb, mixupSwitchProb, smoothing, numClasses); }

    /** The settings as a plain dict with the reference flag names (stored as {@code args} in checkpoints). */
    public Map<String, Object> args() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", (long) epochs);
        m.put("batch_size", (long) batchSize);
        m.put("lr", lr);
        m.put("min_lr", minLr);
        m.put("warmup_epochs", (long) warmupEpochs);
        m.put("weight_decay", weightDecay);
        m.put("layer_decay", layerDecay);
        m.put("drop_path", dropPath);
        m.put("smoothing", smoothing);
        m.put("mixup", mixup);
        m.put("cutmix", cutmix);
        m.put("mixup_prob", mixupProb);
        m.put("mixup_switch_prob", mixupSwitchProb);
        m.put("reprob", reprob);
        m.put("input_size", (long) imageSize);
        m.put("seed", seed);
        m.put("output_dir", outputDir.toString());
        return m;
    }
}
