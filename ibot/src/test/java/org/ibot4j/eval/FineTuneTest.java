package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ibot4j.data.Dataset;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.SwinConfig;
import org.ibot4j.model.SwinTransformer;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning end to end on a tiny problem (ViT dim 32, depth 2, 16-px images, two colour classes): validation
 * accuracy rises far above chance; the learning rate follows warm-up then cosine times each group's multiplier; a
 * run stopped after one epoch and resumed equals an uninterrupted one bit for bit (drop path, mixing, erasing
 * on); the files have the documented contents.
 */
class FineTuneTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reddish (class 0) or bluish (class 1) 16-px images with per-pixel noise; the label alternates. */
    static Dataset colours(int n, long seed) {
        return new Dataset() {
            @Override public int size() { return n; }
            @Override public RgbImage image(int i) {
                Rng rng = new Rng(seed * 1_000_003 + i);
                byte[] rgb = new byte[16 * 16 * 3];
                int cls = i % 2;
                for (int p = 0; p < 256; p++) {
                    int r = (cls == 0 ? 170 : 60) + rng.nextInt(60), g = 80 + rng.nextInt(80), b = (cls == 0 ? 60 : 170) + rng.nextInt(60);
                    rgb[p * 3] = (byte) r; rgb[p * 3 + 1] = (byte) g; rgb[p * 3 + 2] = (byte) b;
                }
                return new RgbImage(16, 16, rgb);
            }
            @Override public int label(int i) { return i % 2; }
            @Override public int numClasses() { return 2; }
        };
    }

    static Classifier tinyModel(float dropPath, long seed) {
        Rng rng = new Rng(seed);
        VisionTransformer vit = new VisionTransformer(new VitConfig(16, 4, 3, 32, 2, 2, 4.0, true, dropPath, 1e-6f, false), rng.split());
        return new Classifier(vit, 2, rng.split());
    }

    static FineTuneConfig config(Path dir, int epochs, int warmup, double lr, double mixup, double cutmix, double reprob, int workers) {
        return new FineTuneConfig(epochs, 16, lr, 1e-6, warmup, 0.05, 0.75, 0.1, 0.1, mixup, cutmix, 1.0, 0.5, reprob, 16, 3, workers, dir);
    }

    static PrintWriter sink() { return new PrintWriter(new StringWriter()); }

    @Test void learnsTwoSeparableClasses(@TempDir Path dir) throws Exception {
        FineTuneConfig c = config(dir, 4, 1, 2e-3, 0.8, 1.0, 0.25, 2);
        FineTune ft = new FineTune(c, tinyModel(0.1f, 1), colours(96, 1), colours(40, 2), sink(), sink());
        FineTune.Eval before;
        try (FineTuneData d = new FineTuneData(colours(96, 1), colours(40, 2), c, 2)) { before = ft.evaluate(d); }
        FineTune.Result r = ft.run();
        assertEquals(Math.log(2), before.loss(), 1e-3, "the 0.001-scaled head starts at uniform predictions");
        assertTrue(before.acc1() < 90, "not solved before training: " + before.acc1() + "%");
        assertTrue(r.last().loss() < 0.5, "val loss " + r.last().loss());
        assertTrue(r.bestAcc1() >= 90, "val top-1 " + r.bestAcc1() + "% (before: " + before.acc1() + "%)");
        assertEquals(100.0, r.last().acc5(), 0, "two classes: top-5 is always right");
        assertEquals(4, r.epochsRun());
        List<String> log = Files.readAllLines(dir.resolve("log.txt"));
        assertEquals(4, log.size());
        JsonNode first = JSON.readTree(log.get(0)), lastLine = JSON.readTree(log.get(3));
        for (String k : List.of("train_loss", "train_lr", "train_min_lr", "test_loss", "test_acc1", "test_acc5", "epoch", "n_parameters"))
            assertTrue(first.has(k), k);
        assertTrue(lastLine.get("train_loss").asDouble() < first.get("train_loss").asDouble(), "training loss falls");
        JsonNode res = JSON.readTree(dir.resolve(FineTune.RESULTS).toFile());
        assertEquals(r.bestAcc1(), res.get("best_acc1").asDouble());
        assertEquals(r.bestEpoch(), res.get("best_epoch").asInt());
        assertEquals(r.last().acc1(), res.get("final_acc1").asDouble());
        // best.pth: {"model": reference names + head}
        Map<?, ?> best = (Map<?, ?>) PthReader.load(dir.resolve(FineTune.BEST));
        Map<String, Tensor> sd = PthReader.tensors((Map<?, ?>) best.get("model"));
        assertTrue(sd.containsKey("cls_token") && sd.containsKey("blocks.1.mlp.fc2.weight") && sd.containsKey("head.weight") && sd.containsKey("head.bias"));
        assertEquals(List.of(2, 32), java.util.Arrays.stream(sd.get("head.weight").dims()).boxed().toList());
    }

    @Test void learningRateIsWarmupThenCosineTimesLayerScale(@TempDir Path dir) throws Exception {
        int epochs = 3, iters = 64 / 16;
        double lr = 1e-3, minLr = 1e-6;
        FineTuneConfig c = config(dir, epochs, 1, lr, 0, 0, 0, 0);
        FineTune ft = new FineTune(c, tinyModel(0f, 2), colours(64, 3), colours(8, 4), sink(), sink());
        ft.run();
        // the reference schedule written out: linspace(0, lr, iters) then lr_min + (lr - lr_min)/2 (1 + cos(pi j / M))
        double[] sched = new double[epochs * iters];
        for (int i = 0; i < iters; i++) sched[i] = lr * i / (iters - 1);
        int m = (epochs - 1) * iters;
        for (int j = 0; j < m; j++) sched[iters + j] = minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * j / m));
        List<String> log = Files.readAllLines(dir.resolve("log.txt"));
        for (int e = 0; e < epochs; e++) {
            double mean = 0;
            for (int i = 0; i < iters; i++) mean += sched[e * iters + i] / iters;
            JsonNode row = JSON.readTree(log.get(e));
            assertEquals(mean, row.get("train_lr").asDouble(), 1e-15, "head group, epoch " + e);
            assertEquals(mean * Math.pow(0.75, 3), row.get("train_min_lr").asDouble(), 1e-15, "embedding group: 0.75^(depth+1)");
        }
        // after the run every group holds the last value times its scale
        for (LayerDecay.Group g : ft.groups())
            assertEquals(sched[sched.length - 1] * g.lrScale(), g.params().lr(), 1e-18, g.name());
        assertEquals(0.75 * 0.75 * 0.75, ft.groups().get(0).lrScale(), 0, "cls_token group first");
    }

    @Test void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight"), split = dir.resolve("split");
        Dataset train = colours(48, 5), val = colours(16, 6);
        new FineTune(config(straight, 3, 1, 2e-3, 0.8, 1.0, 0.25, 2), tinyModel(0.2f, 9), train, val, sink(), sink()).run();
        FineTune.Result partial = new FineTune(config(split, 3, 1, 2e-3, 0.8, 1.0, 0.25, 0), tinyModel(0.2f, 9), train, val, sink(), sink()).run(1);
        assertEquals(1, partial.epochsRun());
        StringWriter out = new StringWriter();
        FineTune.Result rest = new FineTune(config(split, 3, 1, 2e-3, 0.8, 1.0, 0.25, 1), tinyModel(0.2f, 77), train, val, new PrintWriter(out), sink()).run();
        assertEquals(2, rest.epochsRun());
        assertTrue(out.toString().contains("resumed from"), out.toString());
        Map<?, ?> a = (Map<?, ?>) PthReader.load(straight.resolve(FineTune.LATEST)), b = (Map<?, ?>) PthReader.load(split.resolve(FineTune.LATEST));
        Map<String, Tensor> ma = PthReader.tensors((Map<?, ?>) a.get("model")), mb = PthReader.tensors((Map<?, ?>) b.get("model"));
        assertEquals(ma.keySet(), mb.keySet());
        for (String k : ma.keySet()) assertArrayEquals(ma.get(k).toArray(), mb.get(k).toArray(), k);
        assertEquals(a.get("epoch"), b.get("epoch"));
        assertEquals(a.get("max_accuracy"), b.get("max_accuracy"));
        Map<?, ?> sa = (Map<?, ?>) ((Map<?, ?>) a.get("optimizer")).get("state"), sb = (Map<?, ?>) ((Map<?, ?>) b.get("optimizer")).get("state");
        assertEquals(sa.size(), sb.size());
        assertEquals(Files.readAllLines(straight.resolve("log.txt")).stream().map(FineTuneTest::withoutSpeed).toList(),
                Files.readAllLines(split.resolve("log.txt")).stream().map(FineTuneTest::withoutSpeed).toList());
        // a finished run resumed again does nothing and keeps its results
        FineTune.Result again = new FineTune(config(split, 3, 1, 2e-3, 0.8, 1.0, 0.25, 1), tinyModel(0.2f, 9), train, val, sink(), sink()).run();
        assertEquals(0, again.epochsRun());
        assertEquals(rest.bestAcc1(), again.bestAcc1());
        assertEquals(rest.last(), again.last());
    }

    @Test void swinBackboneFineTunesWithStageAwareDecay(@TempDir Path dir) throws Exception {
        Rng rng = new Rng(3);
        SwinTransformer swin = new SwinTransformer(new SwinConfig(16, 2, 3, 16, List.of(1, 2), List.of(1, 2), 4, 4.0, true, 0.1f, 1e-5f, false), rng.split());
        Classifier model = new Classifier(swin, 2, rng.split());
        FineTune ft = new FineTune(config(dir, 2, 1, 2e-3, 0.8, 1.0, 0.25, 1), model, colours(32, 7), colours(16, 8), sink(), sink());
        Map<String, Double> scale = new java.util.HashMap<>();
        for (LayerDecay.Group g : ft.groups()) for (var e : g.params().params()) scale.put(e.name(), g.lrScale());
        assertEquals(Math.pow(0.75, 4), scale.get("patch_embed.proj.weight"), 1e-15, "depth 3: id 0 → 0.75^4");
        assertEquals(Math.pow(0.75, 3), scale.get("layers.0.blocks.0.mlp.fc1.weight"), 1e-15);
        assertEquals(Math.pow(0.75, 3), scale.get("layers.0.downsample.reduction.weight"), 1e-15);
        assertEquals(Math.pow(0.75, 1), scale.get("layers.1.blocks.1.attn.qkv.weight"), 1e-15);
        assertEquals(1.0, scale.get("head.weight"), 0);
        float[] before = model.head().weight().tensor().toArray();
        FineTune.Result r = ft.run();
        assertEquals(2, r.epochsRun());
        assertTrue(Double.isFinite(r.last().loss()));
        assertTrue(!java.util.Arrays.equals(before, model.head().weight().tensor().toArray()), "the head trained");
    }

    private static String withoutSpeed(String line) { return line.replaceAll(",\"images_per_s\":[^,}]*", ""); }

    @Test void badSettingsAreRefused(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> config(dir, 2, 2, 1e-3, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> config(dir, 2, 0, -1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> config(dir, 2, 0, 1e-3, -0.5, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> config(dir, 2, 0, 1e-3, 0, 0, 2, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FineTune(config(dir, 2, 0, 1e-3, 0, 0, 0, 0), tinyModel(0f, 1), colours(8, 1), colours(8, 1), sink(), sink()).run());
        assertTrue(e.getMessage().contains("fewer than one batch"), e.getMessage());
    }
}
