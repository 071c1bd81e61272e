package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibot4j.eval.Classifier;
import org.ibot4j.eval.FineTune;
import org.ibot4j.eval.FineTuneConfig;
import org.ibot4j.model.Backbone;
import org.ibot4j.model.BackboneSpec;
import org.ibot4j.model.BackboneWeights;
import org.ibot4j.model.Backbones;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ibot finetune}: full fine-tuning of a (pre-trained) backbone with a linear classifier and layer-wise
 * learning-rate decay (spec 9.4, the BEiT recipe the reference uses), see {@link FineTune}.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a backbone end to end with a linear classifier on its CLS token (spec 9.4): AdamW with "
                + "layer-wise learning-rate decay (lr x ld^(depth+1-layer)), per-iteration cosine schedule with linear warm-up, "
                + "label smoothing, Mixup/CutMix, random erasing and drop path. Without --pretrained_weights the backbone starts "
                + "from its random init (the baseline).",
                "Writes log.txt (one JSON line per epoch), checkpoint.pth (every epoch; a folder holding one is resumed), "
                + "best.pth ({\"model\": state dict} of the best top-1 epoch) and finetune.json (best and final accuracy).",
                "Not implemented: RandAugment (the reference uses rand-m9-mstd0.5-inc1), gradient accumulation, model EMA.",
                "Reference recipe (ViT-S/16, ImageNet): --epochs 200 --warmup_epochs 20 --batch_size 128 (per GPU, 8 GPUs) "
                + "--lr 4e-3 --layer_decay 0.75 --drop_path 0.1 --image_size 224."})
public final class FinetuneCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackboneOptions backbone;

    @Mixin EvalDataOptions data;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}; reference 100-200).")
    int epochs;

    @Option(names = "--batch_size", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}; reference 128 per GPU).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "4e-3", description = "Peak learning rate, used as is (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--min_lr", defaultValue = "1e-6", description = "Final learning rate of the cosine (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--warmup_epochs", paramLabel = "N",
            description = "Linear warm-up from 0 over N epochs (default: 5, or half the epochs for shorter runs; reference 20).")
    Integer warmupEpochs;

    @Option(names = "--weight_decay", defaultValue = "0.05", description = "AdamW weight decay, none on biases, norms and tokens (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--layer_decay", defaultValue = "0.75", description = "Layer-wise LR decay ld (default: ${DEFAULT-VALUE}; 1 = none).")
    double layerDecay;

    @Option(names = "--drop_path", defaultValue = "0.1", description = "Maximum stochastic-depth rate (default: ${DEFAULT-VALUE}).")
    double dropPath;

    @Option(names = "--smoothing", defaultValue = "0.1", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    double smoothing;

    @Option(names = "--mixup", defaultValue = "0.8", description = "Mixup alpha, 0 disables (default: ${DEFAULT-VALUE}).")
    double mixup;

    @Option(names = "--cutmix", defaultValue = "1.0", description = "CutMix alpha, 0 disables (default: ${DEFAULT-VALUE}).")
    double cutmix;

    @Option(names = "--mixup_prob", defaultValue = "1.0", description = "Probability of mixing a batch (default: ${DEFAULT-VALUE}).")
    double mixupProb;

    @Option(names = "--mixup_switch_prob", defaultValue = "0.5", description = "Probability of CutMix instead of Mixup when both are on (default: ${DEFAULT-VALUE}).")
    double mixupSwitchProb;

    @Option(names = "--reprob", defaultValue = "0.25", description = "Random-erasing probability, 0 disables (default: ${DEFAULT-VALUE}).")
    double reprob;

    @Option(names = "--output_dir", defaultValue = "./finetune_output", description = "Logs, checkpoints and results (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--num_workers", defaultValue = "2", description = "Batch-preparation threads (default: ${DEFAULT-VALUE}).")
    int numWorkers;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return CommandErrors.run(spec, m -> m.replace('\n', ' ').replaceAll(" {2,}", " "), err -> run(out, err));
    }

    private void run(PrintWriter out, PrintWriter err) throws IOException {
        int imageSize = backbone.imageSize();
        int warmup = warmupEpochs != null ? warmupEpochs : Math.min(5, epochs / 2);
        FineTuneConfig cfg = new FineTuneConfig(epochs, batchSize, lr, minLr, warmup, weightDecay, layerDecay, dropPath, smoothing,
                mixup, cutmix, mixupProb, mixupSwitchProb, reprob, imageSize, seed, numWorkers, outputDir);
        EvalDataOptions.Splits splits = data.load(err);
        Rng rng = new Rng(seed);
        Backbone b = backbone(imageSize, (float) dropPath, rng.split());
        Classifier model = new Classifier(b, splits.train().numClasses(), rng.split());
        out.println("finetune: " + b.describe() + (backbone.weights() != null ? " from " + backbone.weights() : " at random init")
                + ", " + splits.description() + ", " + imageSize + " px, " + model.trainableParameterCount() + " parameters");
        out.flush();
        FineTune.Result r = new FineTune(cfg, model, splits.train(), splits.val(), out, err)
                .on(org.ibot4j.runtime.backend.DeviceSelection.selected(System.err)).run();
        out.printf(Locale.ROOT, "finetune: best top-1 %.2f%% at epoch %d; final top-1 %.2f%%, top-5 %.2f%%%s; results in %s%n",
                r.bestAcc1(), r.bestEpoch(), r.last() == null ? Double.NaN : r.last().acc1(), r.last() == null ? Double.NaN : r.last().acc5(),
                r.epochsRun() > 0 ? String.format(Locale.ROOT, "; %.1f train img/s", r.imagesPerSecond()) : "",
                outputDir.resolve(FineTune.RESULTS));
        out.flush();
    }

    /**
     * The backbone built with drop path: the checkpoint's weights loaded strictly (a ViT is built for
     * {@code imgSize} and the stored position table resampled once, as the reference does), else the reference
     * random init from {@code rng}.
     */
    private Backbone backbone(int imgSize, float dropPathRate, Rng rng) throws IOException {
        BackboneSpec s = backbone.spec(imgSize).withDropPath(dropPathRate);
        if (backbone.weights() == null) return Backbones.create(s, rng);
        Path file = backbone.weights();
        Object root = ExtractBackboneCommand.readCheckpoint(file);
        Map<String, Shape> shapes = BackboneWeights.backboneShapes(root, backbone.checkpointKey());
        BackboneSpec fitted = Backbones.fitToCheckpoint(s, shapes);
        if (!s.isSwin()) fitted = fitted.withImgSize(imgSize);
        Backbone model = Backbones.forLoading(fitted);
        try {
            BackboneWeights.load(model, root, backbone.checkpointKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weights " + file + " do not fit --arch " + s.arch() + " --patch_size " + s.patchSize() + ": " + e.getMessage(), e);
        }
        return model;
    }
}
