package org.ibot4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibot4j.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ibot pretrain}: iBOT self-supervised pre-training with the reference {@code main_ibot.py} arguments
 * (same names and defaults, spec 1.1), optionally read from a {@code --config} YAML file whose values the
 * command line overrides. With no arguments at all it runs the built-in demonstration: a small ViT on
 * Fashion-MNIST for a few minutes, then a k-NN check of the teacher against the same network at random init.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"iBOT self-supervised pre-training (arguments of the reference main_ibot.py).",
                "Booleans take on/true/1 or off/false/0; list options take one or more values (--pred_ratio 0 0.3).",
                "--config FILE reads 'key: value' / 'key: [a, b]' lines (conf/*.yaml); flags given here override it.",
                "With no arguments: a small ViT on Fashion-MNIST (" + PretrainCommand.FASHION_MNIST_DIR + ") for a few minutes,",
                "then a k-NN check (teacher CLS, k=20) against the same network at random init, written to OUTPUT_DIR/knn.json."})
public final class PretrainCommand implements Callable<Integer> {
    /** Where the built-in default run looks for the Fashion-MNIST idx files. */
    public static final String FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

    /** The built-in default run (kept equal to conf/fashion_mnist.yaml by a test). */
    public static final String FASHION_MNIST_PRESET = """
            # Fashion-MNIST demonstration: 28-px greyscale images upscaled to 32 px, a tiny ViT (dim 64, depth 2,
            # patch 4), 32/16-px global/local crops and a small head; 15 epochs, about 8 minutes on 2 CPU cores (~200 img/s),
            # then k-NN of the teacher CLS on 2000 train / 2000 held-out test images vs the same network at init
            # (measured: 64.6% vs 50.05%; 6 epochs gave only 52.95%).
            arch: vit_tiny
            embed_dim: 64
            depth: 2
            num_heads: 4
            patch_size: 4
            global_crop_size: 32
            local_crop_size: 16
            out_dim: 256
            patch_out_dim: 256
            head_hidden_dim: 256
            head_bottleneck_dim: 64
            shared_head: true
            norm_last_layer: true
            local_crops_number: 2
            global_crops_scale: [0.25, 1.0]
            local_crops_scale: [0.05, 0.25]
            pred_ratio: [0, 0.3]
            pred_ratio_var: [0, 0.2]
            teacher_temp: 0.04
            warmup_teacher_temp_epochs: 1
            batch_size_per_gpu: 32
            epochs: 15
            warmup_epochs: 1
            lr: 0.004
            drop_path: 0.0
            momentum_teacher: 0.99
            use_fp16: false
            train_subset: 6000
            knn_subset: 2000
            num_workers: 2
            saveckp_freq: 0
            data_path: /usr/share/datasets/fashion-mnist
            output_dir: ./ibot_output
            """;

    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML preset (conf/*.yaml); command-line flags override it.")
    Path config;

    @Option(names = "--arch", defaultValue = "vit_small", description = "vit_tiny, vit_small, vit_base, vit_large (deit_* = vit_*), swin_tiny, swin_small, swin_base, swin_large, swin_mini (default: ${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--patch_size", defaultValue = "16", description = "ViT patch size (default: ${DEFAULT-VALUE}).")
    int patchSize;
    @Option(names = "--window_size", defaultValue = "7", description = "Swin window size; ignored by ViT (default: ${DEFAULT-VALUE}).")
    int windowSize;
    @Option(names = "--out_dim", defaultValue = "8192", description = "K, output dim of the CLS projection (default: ${DEFAULT-VALUE}).")
    int outDim;
    @Option(names = "--patch_out_dim", defaultValue = "8192", description = "Output dim of a separate patch projection (default: ${DEFAULT-VALUE}).")
    int patchOutDim;
    @Option(names = "--shared_head", defaultValue = "false", arity = "1", converter = Bool.class, description = "Student patch tokens share the CLS last layer (default: ${DEFAULT-VALUE}).")
    boolean sharedHead;
    @Option(names = "--shared_head_teacher", defaultValue = "true", arity = "1", converter = Bool.class, description = "Same for the teacher (default: ${DEFAULT-VALUE}).")
    boolean sharedHeadTeacher;
    @Option(names = "--norm_last_layer", defaultValue = "true", arity = "1", converter = Bool.class, description = "Freeze the weight-norm gain of the last layer at 1 (default: ${DEFAULT-VALUE}).")
    boolean normLastLayer;
    @Option(names = "--momentum_teacher", defaultValue = "0.996", description = "Start EMA momentum, cosine to 1 (default: ${DEFAULT-VALUE}).")
    double momentumTeacher;
    @Option(names = "--norm_in_head", description = "Normalisation in the head MLP: ln (bn variants not supported) (default: none).")
    String normInHead;
    @Option(names = "--act_in_head", defaultValue = "gelu", description = "gelu or relu (default: ${DEFAULT-VALUE}).")
    String actInHead;
    @Option(names = "--use_masked_im_modeling", defaultValue = "true", arity = "1", converter = Bool.class, description = "Mask-token injection in the student (default: ${DEFAULT-VALUE}).")
    boolean useMaskedImModeling;
    @Option(names = "--pred_ratio", defaultValue = "0.3", arity = "1..*", split = ",", description = "Mask ratio(s); one chosen per crop (default: ${DEFAULT-VALUE}).")
    List<Double> predRatio;
    @Option(names = "--pred_ratio_var", defaultValue = "0", arity = "1..*", split = ",", description = "Jitter half-width per ratio (default: ${DEFAULT-VALUE}).")
    List<Double> predRatioVar;
    @Option(names = "--pred_shape", defaultValue = "block", description = "block or rand (default: ${DEFAULT-VALUE}).")
    String predShape;
    @Option(names = "--pred_start_epoch", defaultValue = "0", description = "No masks before this epoch (default: ${DEFAULT-VALUE}).")
    int predStartEpoch;
    @Option(names = "--lambda1", defaultValue = "1.0", description = "Weight of the CLS loss (default: ${DEFAULT-VALUE}).")
    double lambda1;
    @Option(names = "--lambda2", defaultValue = "1.0", description = "Weight of the masked-patch loss (default: ${DEFAULT-VALUE}).")
    double lambda2;
    @Option(names = "--warmup_teacher_temp", defaultValue = "0.04", description = "CLS teacher temperature at epoch 0 (default: ${DEFAULT-VALUE}).")
    double warmupTeacherTemp;
    @Option(names = "--teacher_temp", defaultValue = "0.04", description = "CLS teacher temperature after warm-up (default: ${DEFAULT-VALUE}).")
    double teacherTemp;
    @Option(names = "--warmup_teacher_patch_temp", defaultValue = "0.04", description = "Patch teacher temperature at start (default: ${DEFAULT-VALUE}).")
    double warmupTeacherPatchTemp;
    @Option(names = "--teacher_patch_temp", defaultValue = "0.07", description = "Patch teacher temperature after warm-up (default: ${DEFAULT-VALUE}).")
    double teacherPatchTemp;
    @Option(names = "--warmup_teacher_temp_epochs", defaultValue = "30", description = "Length of both temperature warm-ups (default: ${DEFAULT-VALUE}).")
    int warmupTeacherTempEpochs;
    @Option(names = "--use_fp16", defaultValue = "true", arity = "1", converter = Bool.class, description = "Mixed precision on a GPU: "
            + "GEMMs (attention included) in --amp_dtype with float32 master weights, accumulation, softmax and norms; "
            + "the CPU always computes in float32 (default: ${DEFAULT-VALUE}).")
    boolean useFp16;
    @Option(names = "--amp_dtype", defaultValue = "bf16", paramLabel = "bf16|fp16", description = "16-bit type of --use_fp16: bf16, or fp16 "
            + "with dynamic loss scaling like the reference's GradScaler (default: ${DEFAULT-VALUE}).")
    String ampDtype;
    @Option(names = "--weight_decay", defaultValue = "0.04", description = "Weight decay start, cosine (default: ${DEFAULT-VALUE}).")
    double weightDecay;
    @Option(names = "--weight_decay_end", defaultValue = "0.4", description = "Weight decay end (default: ${DEFAULT-VALUE}).")
    double weightDecayEnd;
    @Option(names = "--clip_grad", defaultValue = "3.0", description = "Per-parameter gradient-norm clip; 0 disables (default: ${DEFAULT-VALUE}).")
    double clipGrad;
    @Option(names = "--batch_size_per_gpu", defaultValue = "128", description = "Batch size B (default: ${DEFAULT-VALUE}).")
    int batchSizePerGpu;
    @Option(names = "--epochs", defaultValue = "100", description = "Total epochs (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--freeze_last_layer", defaultValue = "1", description = "Epochs without updates of last_layer parameters (default: ${DEFAULT-VALUE}).")
    int freezeLastLayer;
    @Option(names = "--lr", defaultValue = "5e-4", description = "Peak LR for a batch of 256, scaled linearly (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--warmup_epochs", defaultValue = "10", description = "Linear LR warm-up epochs (default: ${DEFAULT-VALUE}).")
    int warmupEpochs;
    @Option(names = "--min_lr", defaultValue = "1e-6", description = "Final LR of the cosine (default: ${DEFAULT-VALUE}).")
    double minLr;
    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw, sgd or lars (default: ${DEFAULT-VALUE}).")
    String optimizer;
    @Option(names = "--load_from", description = "Checkpoint file in OUTPUT_DIR to resume from (default: checkpoint.pth when present).")
    String loadFrom;
    @Option(names = "--drop_path", defaultValue = "0.1", description = "Student stochastic-depth max rate, ViT only: Swin students use their arch default (default: ${DEFAULT-VALUE}).")
    double dropPath;
    @Option(names = "--global_crops_number", defaultValue = "2", description = "Global crops G (default: ${DEFAULT-VALUE}).")
    int globalCropsNumber;
    @Option(names = "--global_crops_scale", defaultValue = "0.14,1.0", arity = "1..*", split = ",", description = "Area range of global crops (default: ${DEFAULT-VALUE}).")
    List<Double> globalCropsScale;
    @Option(names = "--local_crops_number", defaultValue = "0", description = "Local crops L (default: ${DEFAULT-VALUE}).")
    int localCropsNumber;
    @Option(names = "--local_crops_scale", defaultValue = "0.05,0.4", arity = "1..*", split = ",", description = "Area range of local crops (default: ${DEFAULT-VALUE}).")
    List<Double> localCropsScale;
    @Option(names = "--data_path", defaultValue = "/path/to/imagenet/train/", description = "ImageFolder root, or a folder of Fashion-MNIST idx files (default: ${DEFAULT-VALUE}).")
    String dataPath;
    @Option(names = "--output_dir", defaultValue = ".", description = "Logs and checkpoints (default: ${DEFAULT-VALUE}).")
    Path outputDir;
    @Option(names = "--saveckp_freq", defaultValue = "40", description = "Extra numbered checkpoint every N epochs (default: ${DEFAULT-VALUE}).")
    int saveckpFreq;
    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--num_workers", defaultValue = "10", description = "Data loading threads (default: ${DEFAULT-VALUE}).")
    int numWorkers;
    @Option(names = "--dist_url", defaultValue = "env://", description = "Accepted for compatibility; single process (default: ${DEFAULT-VALUE}).")
    String distUrl;
    @Option(names = "--local_rank", defaultValue = "0", description = "Accepted for compatibility; ignored (default: ${DEFAULT-VALUE}).")
    int localRank;

    // ibot4j extensions
    @Option(names = "--embed_dim", description = "Override the arch's token width.")
    Integer embedDim;
    @Option(names = "--depth", description = "Override the arch's number of blocks.")
    Integer depth;
    @Option(names = "--num_heads", description = "Override the arch's number of heads.")
    Integer numHeads;
    @Option(names = "--global_crop_size", defaultValue = "224", description = "Global crop size in px (default: ${DEFAULT-VALUE}).")
    int globalCropSize;
    @Option(names = "--local_crop_size", defaultValue = "96", description = "Local crop size in px (default: ${DEFAULT-VALUE}).")
    int localCropSize;
    @Option(names = "--head_hidden_dim", defaultValue = "2048", description = "Head MLP hidden width (default: ${DEFAULT-VALUE}).")
    int headHiddenDim;
    @Option(names = "--head_bottleneck_dim", defaultValue = "256", description = "Head bottleneck width (default: ${DEFAULT-VALUE}).")
    int headBottleneckDim;
    @Option(names = "--train_subset", defaultValue = "0", description = "Train on the first N images only; 0 = all (default: ${DEFAULT-VALUE}).")
    int trainSubset;
    @Option(names = "--knn_k", defaultValue = "20", description = "k of the k-NN check after training (default: ${DEFAULT-VALUE}).")
    int knnK;
    @Option(names = "--knn_subset", defaultValue = "0", description = "Images per split for the k-NN check after training; 0 = none (default: ${DEFAULT-VALUE}).")
    int knnSubset;

    /**
     * Makes a bad {@code pretrain} argument (unknown option, unparsable value) one error line naming it plus a
     * pointer to {@code --help}, instead of the error followed by the whole option list; other commands keep
     * {@code cl}'s handler. Returns {@code cl}.
     */
    public static CommandLine withOneLineErrors(CommandLine cl) {
        CommandLine.IParameterExceptionHandler fallback = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine where = ex.getCommandLine();
            if (where.getParent() == null) return fallback.handleParseException(ex, args);
            String name = where.getCommandSpec().qualifiedName(" ").replaceFirst("^ibot ", "");
            where.getErr().println(name + ": " + ex.getMessage() + " (see 'ibot " + name + " --help')");
            return where.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    /** Parses on/true/1 and off/false/0, case-insensitively. */
    public static final class Bool implements ITypeConverter<Boolean> {
        @Override public Boolean convert(String v) { return parseBool(v); }
    }

    public static boolean parseBool(String v) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> throw new CommandLine.TypeConversionException("'" + v + "' is not a boolean (use on/true/1 or off/false/0)");
        };
    }

    @Override public Integer call() throws Exception {
        TrainConfig cfg;
        try {
            cfg = toConfig();
        } catch (ParameterException | java.io.IOException e) {
            spec.commandLine().getErr().println("pretrain: " + e.getMessage());
            return 2;
        }
        return PretrainRun.run(cfg, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The configuration {@code pretrain args...} would run (for tests and tools); bad values throw. */
    public static TrainConfig parse(String... args) throws Exception {
        PretrainCommand cmd = new PretrainCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.toConfig();
    }

    /**
     * The effective configuration: defaults, then the {@code --config} file (or, with no arguments at all, the
     * built-in Fashion-MNIST preset), then the flags given on the command line.
     */
    TrainConfig toConfig() throws Exception {
        var parse = spec.commandLine().getParseResult();
        Map<String, List<String>> file = null;
        if (config != null) file = ConfigFile.read(config);
        else if (parse == null || (parse.matchedOptions().isEmpty() && parse.matchedPositionals().isEmpty())) file = ConfigFile.parse(FASHION_MNIST_PRESET, "built-in fashion_mnist preset");
        if (file != null) applyFile(file, parse == null ? List.of() : matchedNames(parse));
        try {
            return new TrainConfig(arch.replace("deit", "vit"), patchSize, windowSize, outDim, patchOutDim, sharedHead, sharedHeadTeacher,
                    normLastLayer, momentumTeacher, normInHead == null || normInHead.equalsIgnoreCase("none") ? null : normInHead,
                    actInHead, useMaskedImModeling, predRatio, predRatioVar, predShape, predStartEpoch, lambda1, lambda2,
                    warmupTeacherTemp, teacherTemp, warmupTeacherPatchTemp, teacherPatchTemp, warmupTeacherTempEpochs,
                    useFp16, weightDecay, weightDecayEnd, clipGrad, batchSizePerGpu, epochs, freezeLastLayer, lr, warmupEpochs,
                    minLr, optimizer, loadFrom, dropPath, globalCropsNumber, globalCropsScale, localCropsNumber, localCropsScale,
                    dataPath, outputDir, saveckpFreq, seed, numWorkers, embedDim, depth, numHeads, globalCropSize, localCropSize,
                    headHiddenDim, headBottleneckDim, trainSubset, knnK, knnSubset, ampDtype);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static List<String> matchedNames(CommandLine.ParseResult parse) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : parse.matchedOptions()) names.add(o.longestName());
        return names;
    }

    private void applyFile(Map<String, List<String>> file, List<String> matched) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) byName.put(o.longestName(), o);
        for (var e : file.entrySet()) {
            String name = "--" + e.getKey();
            OptionSpec o = byName.get(name);
            if (o == null || name.equals("--config") || name.equals("--help") || name.equals("--version"))
                throw new ParameterException(spec.commandLine(), "unknown key '" + e.getKey() + "' in config file");
            if (matched.contains(name)) continue;
            try {
                o.setValue(convert(o, e.getValue()));
            } catch (RuntimeException ex) {
                throw new ParameterException(spec.commandLine(), "config key '" + e.getKey() + "': " + ex.getMessage());
            }
        }
    }

    private static Object convert(OptionSpec o, List<String> values) {
        Class<?> t = o.type();
        if (List.class.isAssignableFrom(t)) {
            List<Double> out = new ArrayList<>();
            for (String v : values) out.add(parseDouble(v));
            return out;
        }
        if (values.size() != 1) throw new IllegalArgumentException("expects one value, got " + values);
        String v = values.get(0);
        if (v.equalsIgnoreCase("null") || v.equalsIgnoreCase("none") || v.equals("~")) {
            if (t.isPrimitive()) throw new IllegalArgumentException("cannot be null");
            return null;
        }
        try {
            if (t == int.class || t == Integer.class) return Integer.parseInt(v);
            if (t == long.class || t == Long.class) return Long.parseLong(v);
            if (t == double.class || t == Double.class) return parseDouble(v);
            if (t == boolean.class || t == Boolean.class) return parseBool(v);
            if (t == Path.class) return Path.of(v);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("'" + v + "' is not a valid " + t.getSimpleName());
        }
        return v;
    }

    private static double parseDouble(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a number");
        }
    }
}
