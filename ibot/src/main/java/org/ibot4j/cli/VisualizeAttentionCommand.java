package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibot4j.analysis.AttentionMaps;
import org.ibot4j.analysis.AttentionPage;
import org.ibot4j.analysis.HtmlPage;
import org.ibot4j.analysis.Json;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.ImageFiles;
import org.ibot4j.data.PilResize;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ibot visualize_attention}: the last-layer CLS self-attention of a ViT per head, its mass-thresholded
 * masks and the colour composite of heads 0–5 (spec 9.6), as PNGs plus a self-contained HTML page per image.
 */
@Command(name = "visualize_attention", mixinStandardHelpOptions = true,
        description = {"Render a ViT's last-layer CLS attention per head (heat maps, thresholded masks, a colour composite " +
                "of heads 0-5) as PNGs, one self-contained attention.html and attention.json per image. " +
                "The image is resized to SxS (--image_size, default 480; bilinear) and trimmed to a multiple of the patch size. " +
                "A folder input writes one sub-folder per image. Needs global attention (ViT); Swin's windowed attention is refused."})
public final class VisualizeAttentionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackboneOptions backbone;

    @Option(names = "--image_path", required = true, paramLabel = "FILE|DIR", description = "An image, or a folder of images (one page each).")
    Path imagePath;

    @Option(names = "--output_dir", defaultValue = "attention", description = "Where to write the outputs (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--threshold", defaultValue = "0.6", description = "Attention mass kept by the masks (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--random_init", description = "Without --pretrained_weights: use the architecture at its seeded random init (a baseline).")
    boolean randomInit;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of --random_init (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override public Integer call() {
        return CommandErrors.run(spec, this::run);
    }

    private void run(PrintWriter err) throws IOException {
        if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("--threshold must be in (0, 1], got " + threshold);
        if (!Files.exists(imagePath)) throw new NoSuchFileException(imagePath.toString(), null, "--image_path");
        int size = backbone.imageSize(480);
        List<Path> files = Files.isDirectory(imagePath) ? ImageFiles.list(imagePath) : List.of(imagePath);
        if (files.isEmpty()) throw new IllegalArgumentException("no image files in " + imagePath);
        if (files.size() == 1) ImageFiles.read(files.get(0)); // a bad single input fails before the weights are read
        Backbone model = backbone.loadOrRandomInit(size, randomInit, seed);
        int p = model.patchSize();
        int trimmed = size - size % p;
        if (trimmed < p) throw new IllegalArgumentException("--image_size " + size + " is smaller than the patch size " + p);
        List<Object> pages = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            RgbImage img = PilResize.resize(ImageFiles.read(f), size, size, PilResize.Filter.BILINEAR).crop(0, 0, trimmed, trimmed);
            Tensor x = EvalTransform.toNormalizedTensor(img).reshape(1, 3, trimmed, trimmed);
            Tensor attn;
            try (var ng = GradMode.noGrad()) { attn = model.forward(x, null, true).attention(); }
            AttentionMaps.Maps maps = AttentionMaps.clsRows(model, attn, trimmed / p, trimmed / p);
            Path dir = files.size() == 1 && !Files.isDirectory(imagePath) ? outputDir : outputDir.resolve(pageName(imagePath.relativize(f)));
            Map<String, Object> json = AttentionPage.write(img, maps, p, threshold, dir, f.getFileName().toString());
            pages.add(Map.of("image", f.toString(), "dir", dir.toString()));
            err.println("visualize_attention: " + (i + 1) + "/" + files.size() + " " + f + " -> " + dir.resolve("attention.html")
                    + " (" + json.get("heads") + " heads, " + (trimmed / p) + "x" + (trimmed / p) + " grid)");
            err.flush();
        }
        if (files.size() > 1) {
            Json.save(outputDir.resolve("index.json"), Map.of("pages", pages));
            HtmlPage index = new HtmlPage("Attention maps of " + files.size() + " images");
            for (int i = 0; i < files.size(); i++)
                index.link(imagePath.relativize(files.get(i)).toString(), pageName(imagePath.relativize(files.get(i))) + "/attention.html");
            index.write(outputDir.resolve("index.html"));
        }
        spec.commandLine().getOut().println("wrote " + outputDir);
        spec.commandLine().getOut().flush();
    }

    /** A folder name for an image's page: its relative path without extension, separators replaced. */
    static String pageName(Path rel) {
        String s = rel.toString().replace('\\', '/');
        int dot = s.lastIndexOf('.');
        if (dot > s.lastIndexOf('/')) s = s.substring(0, dot);
        return s.replace('/', '_');
    }
}
