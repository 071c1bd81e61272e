package org.ibot4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.data.Dataset;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.nn.DropPath;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.ops.CrossEntropy;
import org.ibot4j.runtime.optim.AdamW;
import org.ibot4j.runtime.optim.CosineSchedule;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.train.Checkpoints;
import org.ibot4j.train.ProgressBar;

/**
 * A fine-tuning run (spec 9.4): AdamW (ε 1e-8) over {@link LayerDecay} groups, per-iteration cosine learning rate
 * with linear warm-up from 0 (each group at {@code lr_schedule[it] · lr_scale}), soft-target cross-entropy on
 * mixed, smoothed targets, validation (loss, top-1, top-5) after every epoch.
 *
 * <p>Files in the output folder: {@code log.txt} (one JSON object per epoch: {@code train_loss}, {@code train_lr},
 * {@code train_min_lr}, {@code test_loss}, {@code test_acc1}, {@code test_acc5}, {@code epoch},
 * {@code n_parameters}, {@code images_per_s}); {@code checkpoint.pth} after every epoch ({@code model} under
 * reference names, {@code optimizer} in PyTorch's form, {@code epoch} = completed epochs, {@code max_accuracy},
 * {@code best_epoch}, last accuracies, {@code args}); {@code best.pth} ({@code {"model": state dict}}) whenever
 * top-1 improves; {@code finetune.json} at the end. All written atomically. A folder that already holds
 * {@code checkpoint.pth} is resumed from it; since data, mixing and drop-path masks are functions of
 * (seed, epoch, step), the resumed run repeats an uninterrupted one.
 */
public final class FineTune {
    /** Name of the rolling checkpoint. */
    public static final String LATEST = "checkpoint.pth";
    /** Name of the best model's state dict. */
    public static final String BEST = "best.pth";
    /** Name of the results summary. */
    public static final String RESULTS = "finetune.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    /** Validation figures: mean cross-entropy (hard labels) and top-1/top-5 accuracy in percent. */
    public record Eval(double loss, double acc1, double acc5) {}

    /** The outcome: best top-1 and its epoch (0-based), the final epoch's figures, epochs run in this call. */
    public record Result(double bestAcc1, int bestEpoch, Eval last, int epochsRun, double imagesPerSecond) {}

    private final FineTuneConfig config;
    private final Classifier model;
    private final Dataset train, val;
    private final PrintWriter out, err;
    private final List<LayerDecay.Group> groups;
    private final AdamW optimizer;

    public FineTune(FineTuneConfig config, Classifier model, Dataset train, Dataset val, PrintWriter out, PrintWriter err) {
        if (train.numClasses() != model.numClasses())
            throw new IllegalArgumentException("the classifier has " + model.numClasses() + " outputs but the data has " + train.numClasses() + " classes");
        this.config = config;
        this.model = model;
        this.train = train;
        this.val = val;
        this.out = out;
        this.err = err;
        this.groups = LayerDecay.groups(model.referenceParameters(), config.layerDecay(), config.weightDecay(), config.lr());
        this.optimizer = new AdamW(LayerDecay.paramGroups(groups), 0.9, 0.999, 1e-8);
    }

    public List<LayerDecay.Group> groups() { return groups; }

    public AdamW optimizer() { return optimizer; }

    private Device device = Device.CPU;

    /** Trains and evaluates with the model and optimiser state on {@code target}; batches are uploaded. Returns this. */
    public FineTune on(Device target) {
        this.device = target;
        return this;
    }

    /** Trains to {@code epochs}. */
    public Result run() throws IOException { return run(config.epochs()); }

    /** Trains until {@code stopAfter} epochs are complete (the schedule still spans all epochs). */
    public Result run(int stopAfter) throws IOException {
        Path dir = config.outputDir();
        Files.createDirectories(dir);
        int start = 0, bestEpoch = -1;
        double best = -1;
        Eval last = null;
        Path latest = dir.resolve(LATEST);
        if (Files.exists(latest)) {
            Map<?, ?> root = restore(latest);
            start = ((Number) root.get("epoch")).intValue();
            best = root.get("max_accuracy") instanceof Number n ? n.doubleValue() : -1;
            bestEpoch = root.get("best_epoch") instanceof Number n ? n.intValue() : -1;
            if (root.get("last_acc1") instanceof Number a1 && root.get("last_acc5") instanceof Number a5 && root.get("last_loss") instanceof Number l)
                last = new Eval(l.doubleValue(), a1.doubleValue(), a5.doubleValue());
            out.println("resumed from " + latest + " at epoch " + start);
            out.flush();
        }
        model.to(device);
        long nParams = model.trainableParameterCount();
        int ran = 0;
        double ipsSum = 0;
        try (FineTuneData data = new FineTuneData(train, val, config, model.numClasses())) {
            int iters = data.trainBatches();
            double[] lrSched = CosineSchedule.cosine(config.lr(), config.minLr(), config.epochs(), iters, config.warmupEpochs(), 0.0);
            for (int epoch = start; epoch < Math.min(stopAfter, config.epochs()); epoch++) {
                long t0 = System.nanoTime();
                double[] stats = trainEpoch(data, lrSched, epoch, iters);
                double ips = (double) iters * config.batchSize() / ((System.nanoTime() - t0) / 1e9);
                last = evaluate(data);
                if (last.acc1() > best) {
                    best = last.acc1();
                    bestEpoch = epoch;
                    LinkedHashMap<String, Object> b = new LinkedHashMap<>();
                    b.put("model", new LinkedHashMap<>(model.referenceState()));
                    PthWriter.save(dir.resolve(BEST), b);
                }
                appendLog(dir, stats, last, epoch, nParams, ips);
                out.printf(java.util.Locale.ROOT, "epoch %d: train loss %.4f, val loss %.4f, top-1 %.2f%%, top-5 %.2f%% (best %.2f%% at epoch %d), %.1f img/s%n",
                        epoch, stats[0], last.loss(), last.acc1(), last.acc5(), best, bestEpoch, ips);
                out.flush();
                save(latest, epoch + 1, best, bestEpoch, last);
                ran++;
                ipsSum += ips;
            }
        }
        Result r = new Result(best, bestEpoch, last, ran, ran > 0 ? ipsSum / ran : 0);
        writeResults(dir, r);
        return r;
    }

    /** One epoch of training; returns {mean loss, mean max lr, mean min lr}. */
    private double[] trainEpoch(FineTuneData data, double[] lrSched, int epoch, int iters) {
        model.train();
        ProgressBar bar = new ProgressBar(err, epoch, config.epochs(), iters);
        double sLoss = 0, sLr = 0, sMin = 0;
        Iterator<FineTuneData.TrainBatch> it = data.epoch(epoch);
        for (int s = 0; s < iters; s++) {
            FineTuneData.TrainBatch b = it.next();
            int step = epoch * iters + s;
            double max = 0, min = Double.MAX_VALUE;
            for (LayerDecay.Group g : groups) {
                double lr = lrSched[step] * g.lrScale();
                g.params().setLr(lr);
                max = Math.max(max, lr);
                min = Math.min(min, lr);
            }
            reseedDropPath(step);
            Tensor loss = CrossEntropy.softTargetCrossEntropy(model.forward(b.images().to(device)), b.targets().to(device), -1).mean();
            double l = loss.item();
            if (!Double.isFinite(l)) throw new IllegalStateException("loss is " + l + " at epoch " + epoch + " step " + s + "; lower --lr");
            model.zeroGrad();
            loss.backward();
            optimizer.step();
            model.zeroGrad();
            sLoss += l;
            sLr += max;
            sMin += min;
            bar.update(s + 1, (long) (s + 1) * config.batchSize(), l, max);
        }
        return new double[] {sLoss / iters, sLr / iters, sMin / iters};
    }

    /** Validation with the evaluation transform: mean cross-entropy, top-1 and top-5 accuracy (percent). */
    public Eval evaluate(FineTuneData data) {
        model.eval();
        double lossSum = 0;
        long n = 0, c1 = 0, c5 = 0;
        try (var ng = GradMode.noGrad()) {
            Iterator<FineTuneData.ValBatch> it = data.val();
            while (it.hasNext()) {
                FineTuneData.ValBatch b = it.next();
                float[] logits = model.forward(b.images().to(device)).contiguous().toArray();
                int k = model.numClasses();
                for (int i = 0; i < b.labels().length; i++) {
                    int y = b.labels()[i];
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) mx = Math.max(mx, logits[i * k + j]);
                    double z = 0;
                    int above = 0;
                    for (int j = 0; j < k; j++) {
                        z += Math.exp(logits[i * k + j] - mx);
                        if (logits[i * k + j] > logits[i * k + y] || (logits[i * k + j] == logits[i * k + y] && j < y)) above++;
                    }
                    lossSum += Math.log(z) + mx - logits[i * k + y];
                    if (above == 0) c1++;
                    if (above < 5) c5++;
                    n++;
                }
            }
        }
        model.train();
        return new Eval(lossSum / n, 100.0 * c1 / n, 100.0 * c5 / n);
    }

    /** Drop-path masks from (seed, iteration, layer) alone, so a resumed run repeats them exactly. */
    private void reseedDropPath(int iteration) {
        int layer = 0;
        for (Module m : model.namedModules().values())
            if (m instanceof DropPath dp) dp.reseed(config.seed() ^ (iteration * 0x9E3779B97F4A7C15L) ^ (++layer * 0xC2B2AE3D27D4EB4FL));
    }

    private void save(Path file, int epochsDone, double best, int bestEpoch, Eval last) throws IOException {
        LinkedHashMap<String, Object> root = new LinkedHashMap<>();
        root.put("model", new LinkedHashMap<>(model.referenceState()));
        root.put("optimizer", Checkpoints.optimizerState(optimizer));
        root.put("epoch", (long) epochsDone);
        root.put("max_accuracy", best);
        root.put("best_epoch", (long) bestEpoch);
        root.put("last_loss", last.loss());
        root.put("last_acc1", last.acc1());
        root.put("last_acc5", last.acc5());
        root.put("args", config.args());
        PthWriter.save(file, root);
    }

    private Map<?, ?> restore(Path file) throws IOException {
        Object rootObj = PthReader.load(file);
        if (!(rootObj instanceof Map<?, ?> root) || !(root.get("model") instanceof Map<?, ?> m) || !(root.get("epoch") instanceof Number))
            throw new IOException(file + " is not a fine-tuning checkpoint (needs 'model' and 'epoch'); use another --output_dir");
        try {
            model.loadReferenceState(PthReader.tensors(m));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " was written for another model; use another --output_dir (" + e.getMessage().replace('\n', ' ') + ")", e);
        }
        if (root.get("optimizer") instanceof Map<?, ?> o) Checkpoints.loadOptimizer(optimizer, o, file);
        return root;
    }

    private void appendLog(Path dir, double[] stats, Eval e, int epoch, long nParams, double ips) throws IOException {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("train_loss", stats[0]);
        m.put("train_lr", stats[1]);
        m.put("train_min_lr", stats[2]);
        m.put("test_loss", e.loss());
        m.put("test_acc1", e.acc1());
        m.put("test_acc5", e.acc5());
        m.put("epoch", epoch);
        m.put("n_parameters", nParams);
        m.put("images_per_s", ips);
        Files.writeString(dir.resolve("log.txt"), JSON_LINE.writeValueAsString(m) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private void writeResults(Path dir, Result r) throws IOException {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("best_acc1", r.bestAcc1());
        m.put("best_epoch", r.bestEpoch());
        if (r.last() != null) {
            m.put("final_acc1", r.last().acc1());
            m.put("final_acc5", r.last().acc5());
            m.put("final_loss", r.last().loss());
        }
        m.put("epochs", config.epochs());
        m.put("n_parameters", model.trainableParameterCount());
        m.put("args", config.args());
        byte[] bytes = JSON.writeValueAsBytes(m);
        Path tmp = Files.createTempFile(dir, RESULTS, ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, dir.resolve(RESULTS), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
