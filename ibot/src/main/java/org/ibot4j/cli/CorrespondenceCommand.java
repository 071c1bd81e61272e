package org.ibot4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibot4j.analysis.AttentionMaps;
import org.ibot4j.analysis.Correspondence;
import org.ibot4j.analysis.HtmlPage;
import org.ibot4j.analysis.Images;
import org.ibot4j.analysis.Json;
import org.ibot4j.analysis.PngWriter;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.HorizontalFlip;
import org.ibot4j.data.ImageFiles;
import org.ibot4j.data.PilResize;
import org.ibot4j.data.RandomResizedCrop;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ibot correspondence}: sparse patch correspondence between two images (spec 9.6), drawn as lines
 * between matched patch centres; in instance mode the second image is a seeded crop (+ flip) of the first and
 * the matches are scored against the true geometry.
 */
@Command(name = "correspondence", mixinStandardHelpOptions = true,
        description = {"Match every patch token of image 1 (final-normed, not L2-normalised) to the patch token of image 2 " +
                "with the largest dot product; draw the --num_matches source patches with the highest head-averaged " +
                "CLS attention of this same model (the reference used a separate DINO ViT-B/8 for that choice). " +
                "Images are resized to SxS (--image_size, default 224; bilinear). " +
                "--mode instance: image 2 is a seeded random resized crop (scale 0.4-1) + 50%% flip of image 1; the " +
                "geometry is tracked and accuracy = fraction of overlapping patches matched within --eval_radius cells. " +
                "Outputs in --output_dir: correspondence.png, correspondence.html, correspondence.json."})
public final class CorrespondenceCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackboneOptions backbone;

    @Option(names = "--image1", required = true, paramLabel = "FILE", description = "The source image.")
    Path image1;

    @Option(names = "--image2", paramLabel = "FILE", description = "The target image (class mode; instance mode makes it from image 1).")
    Path image2;

    @Option(names = "--mode", defaultValue = "class", description = "class (two images) or instance (image 1 and an augmented view of it) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--num_matches", defaultValue = "12", description = "Matched pairs to draw (default: ${DEFAULT-VALUE}).")
    int numMatches;

    @Option(names = "--eval_radius", defaultValue = "0", description = "Instance mode: grid cells of tolerance for a correct match (default: ${DEFAULT-VALUE}).")
    int evalRadius;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the instance-mode view and of --random_init (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output_dir", defaultValue = "correspondence", description = "Where to write the outputs (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--random_init", description = "Without --pretrained_weights: use the architecture at its seeded random init (a baseline).")
    boolean randomInit;

    @Override public Integer call() {
        return CommandErrors.run(spec, this::run);
    }

    private void run(PrintWriter err) throws IOException {
        boolean instance = switch (mode) {
            case "class" -> false;
            case "instance" -> true;
            default -> throw new IllegalArgumentException("--mode must be class or instance, got '" + mode + "'");
        };
        if (!instance && image2 == null) throw new IllegalArgumentException("--mode class needs --image2 FILE");
        if (instance && image2 != null) throw new IllegalArgumentException("--mode instance makes image 2 from image 1: drop --image2");
        if (numMatches < 1) throw new IllegalArgumentException("--num_matches must be >= 1, got " + numMatches);
        if (evalRadius < 0) throw new IllegalArgumentException("--eval_radius must be >= 0, got " + evalRadius);
        RgbImage src1 = ImageFiles.read(image1);
        RgbImage src2 = instance ? null : ImageFiles.read(image2);
        int size = backbone.imageSize(224);
        Backbone model = backbone.loadOrRandomInit(size, randomInit, seed);
        int stride = model.tokenStride();
        int side = size - size % stride, grid = side / stride;
        if (grid < 1) throw new IllegalArgumentException("--image_size " + size + " is smaller than the token stride " + stride);

        RgbImage img1 = PilResize.resize(src1, side, side, PilResize.Filter.BILINEAR);
        RgbImage img2;
        Correspondence.View view = null;
        if (instance) {
            Rng rng = new Rng(seed);
            RandomResizedCrop.Box box = new RandomResizedCrop(side, 0.4, 1.0).params(side, side, rng);
            boolean flip = rng.nextDouble() < 0.5;
            img2 = RandomResizedCrop.cropResize(img1, box, side);
            if (flip) img2 = HorizontalFlip.flip(img2);
            view = new Correspondence.View(side, box, flip);
        } else {
            img2 = PilResize.resize(src2, side, side, PilResize.Filter.BILINEAR);
        }

        Backbone.Output o1, o2;
        try (var ng = GradMode.noGrad()) {
            o1 = model.forward(EvalTransform.toNormalizedTensor(img1).reshape(1, 3, side, side), null, true);
            o2 = model.forward(EvalTransform.toNormalizedTensor(img2).reshape(1, 3, side, side));
        }
        int p = grid * grid, d = model.embedDim();
        float[] t1 = patchTokens(o1.allTokens(), p, model), t2 = patchTokens(o2.allTokens(), p, model);
        float[] best = new float[p];
        int[] matches = Correspondence.bestMatches(t1, p, t2, p, d, best);

        float[] score;
        String scoreName;
        try {
            score = Correspondence.headMean(AttentionMaps.clsRows(model, o1.attention(), grid, grid).values());
            scoreName = "head-averaged CLS attention of this model";
        } catch (IllegalArgumentException noGlobalAttention) {
            score = best;
            scoreName = "best match dot product (" + model.describe() + " has no global CLS attention)";
            err.println("correspondence: note: source patches ranked by " + scoreName);
        }
        int[] truth = instance ? view.truePatches(grid, stride) : null;
        boolean[] allowed = null;
        if (instance) {
            allowed = new boolean[p];
            for (int i = 0; i < p; i++) allowed[i] = truth[i] >= 0;
        }
        int[] sources = Correspondence.topK(score, numMatches, allowed);

        BufferedImage drawing = Correspondence.draw(Images.toBuffered(img1), Images.toBuffered(img2), sources, matches, grid, grid, stride);
        Files.createDirectories(outputDir);
        byte[] png = PngWriter.write(drawing, outputDir.resolve("correspondence.png"));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", mode);
        json.put("image1", image1.toString());
        json.put("image2", instance ? "augmented view of image1" : image2.toString());
        json.put("image_size", side);
        json.put("grid", List.of(grid, grid));
        json.put("token_stride", stride);
        json.put("sources_ranked_by", scoreName);
        List<Object> list = new ArrayList<>();
        for (int s : sources) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", List.of(s / grid, s % grid));
            m.put("target", List.of(matches[s] / grid, matches[s] % grid));
            m.put("dot", best[s]);
            m.put("source_score", score[s]);
            if (instance) {
                m.put("true_target", List.of(truth[s] / grid, truth[s] % grid));
                m.put("correct", Math.abs(matches[s] / grid - truth[s] / grid) <= evalRadius && Math.abs(matches[s] % grid - truth[s] % grid) <= evalRadius);
            }
            list.add(m);
        }
        json.put("matches", list);
        String summary = sources.length + " matches drawn";
        if (instance) {
            int overlap = 0;
            for (int t : truth) if (t >= 0) overlap++;
            double acc = Correspondence.accuracy(matches, truth, grid, evalRadius);
            json.put("view", Map.of("top", view.box().top(), "left", view.box().left(), "height", view.box().height(), "width", view.box().width(), "flip", view.flip()));
            json.put("eval_radius", evalRadius);
            json.put("overlapping_patches", overlap);
            json.put("accuracy", acc);
            summary += String.format(java.util.Locale.ROOT, "; accuracy %.4f over %d overlapping patches (radius %d)", acc, overlap, evalRadius);
        }
        json.put("files", List.of("correspondence.png", "correspondence.html", "correspondence.json"));
        Json.save(outputDir.resolve("correspondence.json"), json);
        new HtmlPage("Correspondence (" + mode + ")").section("Matches", summary + "; sources ranked by " + scoreName + ".")
                .image("image 1 | image 2", png, 0).write(outputDir.resolve("correspondence.html"));
        spec.commandLine().getOut().println("correspondence: " + summary + "; wrote " + outputDir);
        spec.commandLine().getOut().flush();
    }

    /** Rows 1.. of {@code allTokens [1, 1+P, D]} as a flat {@code [P·D]} array; an error when the grid does not match. */
    private static float[] patchTokens(Tensor all, int p, Backbone model) {
        if (all.rank() != 3 || all.dim(0) != 1 || all.dim(1) != 1 + p)
            throw new IllegalArgumentException(model.describe() + " gave tokens " + all.shape() + ", expected [1, " + (1 + p) + ", D]");
        float[] out = new float[p * all.dim(2)];
        all.select(0, 0).slice(0, 1, 1 + p).contiguous().copyInto(out, 0);
        return out;
    }
}
