package org.ibot4j.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.data.Batch;
import org.ibot4j.data.DataLoader;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.MaskGenerator;
import org.ibot4j.data.MultiCropAugmentation;
import org.ibot4j.data.MultiCropConfig;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.Backbone;
import org.ibot4j.model.BackboneSpec;
import org.ibot4j.model.Backbones;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.runtime.backend.cuda.CudaBackend;
import org.ibot4j.runtime.backend.cuda.GemmPrecision;
import org.ibot4j.runtime.nn.DropPath;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.optim.AdamW;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Device;

/**
 * A pre-training run: builds student and teacher from a {@link TrainConfig}, resumes from
 * {@code output_dir/checkpoint.pth} (or {@code --load_from}) when present, then per epoch runs every batch
 * through a {@link TrainStep} with the per-iteration schedules, draws a progress bar on stderr, writes
 * {@code checkpoint.pth} (and {@code checkpoint%04d.pth} every {@code saveckp_freq} epochs) and appends the
 * epoch's averages to {@code log.txt}.
 *
 * <p>Randomness: weights come from {@code Rng(seed)}; data order, crops and masks from the loader's
 * (seed, epoch, position) streams; so a resumed run repeats a straight one exactly when {@code drop_path = 0}
 * (drop-path masks come from one stream per block that is not stored in checkpoints).
 */
public final class Trainer {
    private final TrainConfig config;
    private final Dataset dataset;
    private final PrintWriter out, err;
    private final MultiCropWrapper student, teacher;
    private final IbotLoss loss;
    private final AdamW optimizer;

    /** Student and teacher of a config, freshly initialised from {@code Rng(seed)}; the teacher is a frozen copy. */
    public record Networks(MultiCropWrapper student, MultiCropWrapper teacher) {}

    private Device device = Device.CPU;
    private LossScaler scaler;  // with fp16 GEMMs on a GPU

    public Trainer(TrainConfig config, Dataset dataset, PrintWriter out, PrintWriter err) {
        if (!config.optimizer().equals("adamw"))
            throw new IllegalArgumentException("--optimizer " + config.optimizer() + " is not supported by pretrain yet; use adamw");
        this.config = config;
        this.dataset = dataset;
        this.out = out;
        this.err = err;
        Networks n = networks(config);
        this.student = n.student();
        this.teacher = n.teacher();
        int patchDim = lossPatchDim(config);
        this.loss = new IbotLoss(new IbotLoss.Config(config.outDim(), patchDim, config.globalCropsNumber(), config.localCropsNumber(),
                config.warmupTeacherTemp(), config.teacherTemp(), config.warmupTeacherPatchTemp(), config.teacherPatchTemp(),
                config.warmupTeacherTempEpochs(), config.epochs(), TrainConfig.STUDENT_TEMP, TrainConfig.CENTER_MOMENTUM,
                TrainConfig.CENTER_MOMENTUM, config.lambda1(), config.lambda2(), config.predStartEpoch()));
        this.optimizer = TrainStep.adamW(student);
    }

    /** Width of the patch logits: the out dim when either head is shared (reference {@code same_dim}). */
    static int lossPatchDim(TrainConfig c) { return c.sharedHead() || c.sharedHeadTeacher() ? c.outDim() : c.patchOutDim(); }

    public static Networks networks(TrainConfig c) {
        Rng rng = new Rng(c.seed());
        // student drop path: --drop_path for ViT, the per-arch default for Swin (spec 4.2); teacher none
        BackboneSpec base = new BackboneSpec(c.arch(), c.patchSize(), c.windowSize(), c.embedDim(), c.depth(), c.numHeads(),
                c.globalCropSize(), 0f, false);
        Backbone sb = Backbones.create(base.withDropPath(Backbones.studentDropPath(c.arch(), c.dropPath())).withMaskToken(c.useMaskedImModeling()), rng.split());
        int patchDim = lossPatchDim(c);
        HeadConfig head = new HeadConfig(sb.embedDim(), c.outDim(), patchDim, 3, c.headHiddenDim(), c.headBottleneckDim(),
                c.actInHead(), c.normInHead(), c.normLastLayer(), c.sharedHead());
        MultiCropWrapper student = new MultiCropWrapper(sb, new IbotHead(head, rng.split()));
        Backbone tb = Backbones.create(base, rng.split());
        MultiCropWrapper teacher = new MultiCropWrapper(tb, new IbotHead(head.withSharedHead(c.sharedHeadTeacher()).withNormLastLayer(true), rng.split()));
        Teacher.initFrom(student, teacher);
        return new Networks(student, teacher);
    }

    /**
     * Trains with the models, loss centers and optimiser state on {@code target} (moved there after any resume; the
     * data pipeline stays on the CPU and each batch is uploaded once). Returns this.
     */
    public Trainer on(Device target) {
        this.device = target;
        if (target == Device.CUDA) {
            GemmPrecision p = !config.useFp16() ? GemmPrecision.FP32 : config.ampDtype().equals("fp16") ? GemmPrecision.FP16 : GemmPrecision.BF16;
            CudaBackend.useShared(p);
            scaler = p == GemmPrecision.FP16 ? new LossScaler() : null;
        } else {
            scaler = null;
        }
        return this;
    }

    public MultiCropWrapper student() { return student; }

    public MultiCropWrapper teacher() { return teacher; }

    public IbotLoss loss() { return loss; }

    /** Trains from the resume epoch (0 without a checkpoint) to {@code epochs}; returns the epochs run now. */
    public int run() throws IOException { return run(config.epochs()); }

    /** Trains until {@code stopAfter} epochs are complete (≤ {@code epochs}; schedules still span all epochs). */
    public int run(int stopAfter) throws IOException {
        Path dir = config.outputDir();
        Files.createDirectories(dir);
        MultiCropAugmentation aug = new MultiCropAugmentation(new MultiCropConfig(config.globalCropsNumber(),
                config.globalCropsScale().get(0), config.globalCropsScale().get(1), config.localCropsNumber(),
                config.localCropsScale().get(0), config.localCropsScale().get(1), config.globalCropSize(), config.localCropSize()));
        MaskGenerator masks = new MaskGenerator(config.predShape().equals("rand") ? MaskGenerator.Shape.RAND : MaskGenerator.Shape.BLOCK,
                toArray(config.predRatio()), toArray(config.predRatioVar()), config.predStartEpoch());
        Checkpoints.Contents contents = contents(0);
        int start = 0;
        Path resume = config.loadFrom() != null ? dir.resolve(config.loadFrom()) : dir.resolve(Checkpoints.LATEST);
        if (Files.exists(resume)) {
            start = Checkpoints.restore(resume, contents);
            out.println("resumed from " + resume + " at epoch " + start);
        } else if (config.loadFrom() != null) {
            throw new IOException("--load_from " + config.loadFrom() + ": no such file " + resume);
        }
        student.to(device);
        teacher.to(device);
        loss.to(device);
        int ran = 0;
        try (DataLoader loader = new DataLoader(dataset, aug, masks, student.backbone().tokenStride(), config.batchSizePerGpu(), config.numWorkers(), config.seed())) {
            int iters = loader.batchesPerEpoch();
            Schedules sched = Schedules.of(config, iters);
            TrainStep step = new TrainStep(student, teacher, loss, optimizer, config.clipGrad(), config.freezeLastLayer(),
                    config.globalCropsNumber()).withLossScaler(scaler);
            for (int epoch = start; epoch < Math.min(stopAfter, config.epochs()); epoch++) {
                TrainLog.EpochStats stats = epoch(loader, step, sched, epoch);
                TrainLog.append(dir, stats);
                Checkpoints.Contents c = contents(epoch + 1);
                Checkpoints.save(dir.resolve(Checkpoints.LATEST), c);
                if (config.saveckpFreq() > 0 && epoch % config.saveckpFreq() == 0 && epoch != 0)
                    Checkpoints.save(dir.resolve(Checkpoints.numbered(epoch)), c);
                ran++;
            }
        }
        return ran;
    }

    /** Drop-path masks drawn from (seed, iteration, layer) alone, so a resumed run repeats them exactly. */
    private void reseedStochasticDepth(int iteration) {
        int layer = 0;
        for (Module m : student.namedModules().values())
            if (m instanceof DropPath dp) dp.reseed(config.seed() ^ (iteration * 0x9E3779B97F4A7C15L) ^ (++layer * 0xC2B2AE3D27D4EB4FL));
    }

    private TrainLog.EpochStats epoch(DataLoader loader, TrainStep step, Schedules sched, int epoch) {
        int iters = sched.itersPerEpoch();
        ProgressBar bar = new ProgressBar(err, epoch, config.epochs(), iters);
        double sLoss = 0, sCls = 0, sPatch = 0, sLr = 0, sWd = 0, sAcc = 0;
        List<Integer> labels = new ArrayList<>(), clusters = new ArrayList<>();
        long images = 0, t0 = System.nanoTime();
        int s = 0;
        for (Batch b : loader.epoch(epoch)) {
            int it = sched.it(epoch, s);
            reseedStochasticDepth(it);
            TrainStep.Result r = step.run(b.globalCrops(), b.localCrops(), b.masks(), epoch, s, sched.lr()[it], sched.wd()[it], sched.momentum()[it]);
            sLoss += r.loss(); sCls += r.cls(); sPatch += r.patch(); sLr += r.lr(); sWd += r.wd(); sAcc += r.acc();
            for (int i = 0; i < b.size(); i++) { labels.add(b.labels()[i]); clusters.add(r.teacherArgmax()[i]); }
            images += b.size();
            s++;
            bar.update(s, images, r.loss(), r.lr());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        ClusterScores cs = ClusterScores.of(labels.stream().mapToInt(Integer::intValue).toArray(), clusters.stream().mapToInt(Integer::intValue).toArray());
        int n = Math.max(1, s);
        return new TrainLog.EpochStats(sLoss / n, sCls / n, sPatch / n, sLr / n, sWd / n, sAcc / n, cs.nmi(), cs.ari(), cs.fscore(),
                epoch, secs > 0 ? images / secs : 0);
    }

    private Checkpoints.Contents contents(int epoch) {
        return new Checkpoints.Contents(student, teacher, optimizer, loss.center(), loss.center2(), epoch, args(config), scaler);
    }

    /** The configuration as a plain dict (the reference pickles its argparse namespace). */
    static Map<String, Object> args(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent rc : TrainConfig.class.getRecordComponents()) {
            try {
                Object v = rc.getAccessor().invoke(c);
                if (v instanceof Path p) v = p.toString();
                if (v instanceof List<?> l) v = new ArrayList<>(l);
                m.put(snake(rc.getName()), v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    private static String snake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) sb.append('_').append(Character.toLowerCase(ch));
            else if (Character.isDigit(ch) && sb.length() > 0 && !Character.isDigit(sb.charAt(sb.length() - 1))) sb.append(ch);
            else sb.append(ch);
        }
        return sb.toString();
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    /** The first {@code n} samples of {@code d} (all when {@code n <= 0} or {@code n >= size}). */
    public static Dataset subset(Dataset d, int n) {
        if (n <= 0 || n >= d.size()) return d;
        return new Dataset() {
            @Override public int size() { return n; }
            @Override public RgbImage image(int i) { return d.image(i); }
            @Override public int label(int i) { return d.label(i); }
            @Override public int numClasses() { return d.numClasses(); }
        };
    }
}
