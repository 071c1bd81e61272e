package org.ibot4j.train;

import java.nio.file.Path;
import java.util.List;

/**
 * Every setting of a pre-training run: the reference {@code main_ibot.py} arguments (spec 1.1, same names in
 * camel case, same defaults) plus a few ibot4j extensions that the reference hard-codes (crop sizes, head
 * widths, backbone overrides) or that a laptop-sized run needs (a training subset, the k-NN check after it).
 */
public record TrainConfig(
        String arch, int patchSize, int windowSize, int outDim, int patchOutDim,
        boolean sharedHead, boolean sharedHeadTeacher, boolean normLastLayer, double momentumTeacher,
        String normInHead, String actInHead, boolean useMaskedImModeling,
        List<Double> predRatio, List<Double> predRatioVar, String predShape, int predStartEpoch,
        double lambda1, double lambda2,
        double warmupTeacherTemp, double teacherTemp, double warmupTeacherPatchTemp, double teacherPatchTemp,
        int warmupTeacherTempEpochs, boolean useFp16, double weightDecay, double weightDecayEnd, double clipGrad,
        int batchSizePerGpu, int epochs, int freezeLastLayer, double lr, int warmupEpochs, double minLr,
        String optimizer, String loadFrom, double dropPath,
        int globalCropsNumber, List<Double> globalCropsScale, int localCropsNumber, List<Double> localCropsScale,
        String dataPath, Path outputDir, int saveckpFreq, long seed, int numWorkers,
        // ibot4j extensions
        Integer embedDim, Integer depth, Integer numHeads,
        int globalCropSize, int localCropSize, int headHiddenDim, int headBottleneckDim,
        int trainSubset, int knnK, int knnSubset, String ampDtype) {

    /** Student temperature (hard-coded in the reference). */
    public static final double STUDENT_TEMP = 0.1;
    /** Both center momenta (hard-coded in the reference). */
    public static final double CENTER_MOMENTUM = 0.9;

    public TrainConfig {
        predRatio = List.copyOf(predRatio);
        predRatioVar = List.copyOf(predRatioVar);
        globalCropsScale = List.copyOf(globalCropsScale);
        localCropsScale = List.copyOf(localCropsScale);
        require(patchSize > 0, "--patch_size must be > 0, got " + patchSize);
        require("bf16".equals(ampDtype) || "fp16".equals(ampDtype), "--amp_dtype must be bf16 or fp16, got '" + ampDtype + "'");
        require(outDim > 0, "--out_dim must be > 0, got " + outDim);
        require(patchOutDim > 0, "--patch_out_dim must be > 0, got " + patchOutDim);
        require(momentumTeacher >= 0 && momentumTeacher <= 1, "--momentum_teacher must be in [0, 1], got " + momentumTeacher);
        require(normInHead == null || List.of("bn", "syncbn", "csyncbn", "psyncbn", "ln").contains(normInHead),
                "--norm_in_head must be one of bn, syncbn, csyncbn, psyncbn, ln, got '" + normInHead + "'");
        require(List.of("gelu", "relu").contains(actInHead), "--act_in_head must be gelu or relu, got '" + actInHead + "'");
        require(!predRatio.isEmpty(), "--pred_ratio needs at least one value");
        require(predRatioVar.size() == 1 || predRatioVar.size() == predRatio.size(),
                "--pred_ratio_var needs 1 value or as many as --pred_ratio (" + predRatio.size() + "), got " + predRatioVar.size());
        for (double r : predRatio) require(r >= 0 && r < 1, "--pred_ratio values must be in [0, 1), got " + r);
        require(List.of("block", "rand").contains(predShape), "--pred_shape must be block or rand, got '" + predShape + "'");
        require(predStartEpoch >= 0, "--pred_start_epoch must be >= 0, got " + predStartEpoch);
        require(teacherTemp > 0 && warmupTeacherTemp > 0 && teacherPatchTemp > 0 && warmupTeacherPatchTemp > 0,
                "teacher temperatures must be > 0");
        require(warmupTeacherTempEpochs >= 0, "--warmup_teacher_temp_epochs must be >= 0, got " + warmupTeacherTempEpochs);
        require(weightDecay >= 0 && weightDecayEnd >= 0, "--weight_decay and --weight_decay_end must be >= 0");
        require(clipGrad >= 0, "--clip_grad must be >= 0 (0 disables), got " + clipGrad);
        require(batchSizePerGpu > 0, "--batch_size_per_gpu must be > 0, got " + batchSizePerGpu);
        require(epochs > 0, "--epochs must be > 0, got " + epochs);
        require(warmupTeacherTempEpochs + predStartEpoch <= epochs, "--warmup_teacher_temp_epochs (" + warmupTeacherTempEpochs
                + ") plus --pred_start_epoch (" + predStartEpoch + ") must not exceed --epochs (" + epochs + ")");
        require(warmupEpochs >= 0 && warmupEpochs <= epochs, "--warmup_epochs must be in [0, --epochs=" + epochs + "], got " + warmupEpochs);
        require(lr >= 0 && minLr >= 0, "--lr and --min_lr must be >= 0");
        require(List.of("adamw", "sgd", "lars").contains(optimizer), "--optimizer must be adamw, sgd or lars, got '" + optimizer + "'");
        require(dropPath >= 0 && dropPath < 1, "--drop_path must be in [0, 1), got " + dropPath);
        require(globalCropsNumber >= 1, "--global_crops_number must be >= 1, got " + globalCropsNumber);
        require(localCropsNumber >= 0, "--local_crops_number must be >= 0, got " + localCropsNumber);
        checkScale("--global_crops_scale", globalCropsScale);
        checkScale("--local_crops_scale", localCropsScale);
        require(saveckpFreq >= 0, "--saveckp_freq must be >= 0, got " + saveckpFreq);
        require(numWorkers >= 0, "--num_workers must be >= 0, got " + numWorkers);
        require(globalCropSize > 0 && globalCropSize % patchSize == 0,
                "--global_crop_size must be a positive multiple of --patch_size (" + patchSize + "), got " + globalCropSize);
        require(localCropSize > 0 && localCropSize % patchSize == 0,
                "--local_crop_size must be a positive multiple of --patch_size (" + patchSize + "), got " + localCropSize);
        require(headHiddenDim > 0 && headBottleneckDim > 0, "head widths must be > 0");
        require(trainSubset >= 0, "--train_subset must be >= 0 (0 = all), got " + trainSubset);
        require(knnK > 0, "--knn_k must be > 0, got " + knnK);
        require(knnSubset >= 0, "--knn_subset must be >= 0 (0 = no k-NN check), got " + knnSubset);
    }

    /** The ratio range pairs of {@code --pred_ratio_var} broadcast to the length of {@code --pred_ratio}. */
    public List<Double> predRatioVarBroadcast() {
        if (predRatioVar.size() == predRatio.size()) return predRatioVar;
        return java.util.Collections.nCopies(predRatio.size(), predRatioVar.get(0));
    }

    /** The peak learning rate after the linear scaling rule: {@code lr · batch / 256} (one process). */
    public double scaledLr() { return lr * batchSizePerGpu / 256.0; }

    private static void checkScale(String name, List<Double> s) {
        require(s.size() == 2, name + " needs exactly 2 values (min max), got " + s.size());
        require(s.get(0) > 0 && s.get(0) <= s.get(1) && s.get(1) <= 1, name + " must satisfy 0 < min <= max <= 1, got " + s);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
