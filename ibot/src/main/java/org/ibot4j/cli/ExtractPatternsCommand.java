package org.ibot4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibot4j.analysis.HeadWeights;
import org.ibot4j.analysis.HtmlPage;
import org.ibot4j.analysis.Images;
import org.ibot4j.analysis.Json;
import org.ibot4j.analysis.Patterns;
import org.ibot4j.analysis.PngWriter;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.FashionMnist;
import org.ibot4j.data.ImageFiles;
import org.ibot4j.data.RgbImage;
import org.ibot4j.model.Backbone;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ibot extract_patterns}: the top-k patterns of the teacher's iBOT head (spec 9.6): per image and patch
 * (or CLS) the max head logit and its index, the most frequent indices, and for each the images where it fires
 * hardest, tiled as crops around the firing patch.
 */
@Command(name = "extract_patterns", mixinStandardHelpOptions = true,
        description = {"Run the teacher backbone and teacher iBOT head of a full pre-training checkpoint on a set of images " +
                "(resize round(256*S/224), centre crop S = --image_size), record per patch (or CLS with --type cls) the max " +
                "head logit and its index, take the --show_pics most frequent indices and tile, for each, up to --topk " +
                "--patch_window x --patch_window patch crops (whole images for cls) of the images where it scores highest. " +
                "Crops with mean HSV value <= 40 are skipped. Writes pattern PNGs, index.html (self-contained) and patterns.json."})
public final class ExtractPatternsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackboneOptions backbone;

    @Option(names = "--data_path", defaultValue = PretrainCommand.FASHION_MNIST_DIR,
            description = "A folder of images (searched recursively), or a folder of Fashion-MNIST idx files (its test split) (default: ${DEFAULT-VALUE}).")
    Path dataPath;

    @Option(names = "--max_images", defaultValue = "0", description = "Use the first N images (0 = all; default: ${DEFAULT-VALUE}).")
    int maxImages;

    @Option(names = "--type", defaultValue = "patch", description = "patch or cls (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--topk", defaultValue = "36", description = "Crops per pattern (default: ${DEFAULT-VALUE}).")
    int topk;

    @Option(names = "--show_pics", defaultValue = "20", description = "Patterns to show, most frequent first (default: ${DEFAULT-VALUE}).")
    int showPics;

    @Option(names = "--patch_window", defaultValue = "5", description = "Crop side in patches around the firing patch (default: ${DEFAULT-VALUE}).")
    int patchWindow;

    @Option(names = "--batch_size", defaultValue = "32", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--output_dir", defaultValue = "patterns", description = "Where to write the outputs (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(names = "--random_init", description = "Without --pretrained_weights: random backbone and head (a baseline; head size from --out_dim).")
    boolean randomInit;

    @Option(names = "--out_dim", defaultValue = "8192", description = "Head outputs K for --random_init (default: ${DEFAULT-VALUE}; a checkpoint's head gives its own).")
    int outDim;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of --random_init (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The input images: a name and a decoder per index, in a fixed order (row i of the table is image i). */
    record Source(String description, int size, List<String> names, ImageAt reader) {}

    interface ImageAt { RgbImage read(int i) throws IOException; }

    @Override public Integer call() {
        return CommandErrors.run(spec, this::run);
    }

    private void run(PrintWriter err) throws IOException {
        boolean cls = switch (type) {
            case "patch" -> false;
            case "cls" -> true;
            default -> throw new IllegalArgumentException("--type must be patch or cls, got '" + type + "'");
        };
        if (topk < 1 || showPics < 1 || patchWindow < 1 || batchSize < 1 || maxImages < 0)
            throw new IllegalArgumentException("--topk, --show_pics, --patch_window and --batch_size must be >= 1 and --max_images >= 0");
        Source source = open();
        int size = backbone.imageSize(224);
        EvalTransform transform = EvalTransform.forCrop(size);
        Backbone model;
        IbotHead head;
        if (backbone.weights() != null) {
            model = backbone.load(size);
            head = HeadWeights.load(backbone.weights(), backbone.checkpointKey());
        } else if (randomInit) {
            if (outDim < 1) throw new IllegalArgumentException("--out_dim must be >= 1, got " + outDim);
            model = backbone.randomInit(size, seed);
            head = new IbotHead(HeadConfig.of(model.embedDim(), outDim, true, true), new Rng(seed + 1));
            head.eval();
        } else {
            throw new IllegalArgumentException("--pretrained_weights FILE (a full pre-training checkpoint with a teacher head) is required, or --random_init for a baseline");
        }
        if (head.config().inDim() != model.embedDim())
            throw new IllegalArgumentException("the head takes " + head.config().inDim() + "-wide tokens but the backbone gives " + model.embedDim() + ": weights do not fit");
        int stride = model.tokenStride(), grid = size / stride;
        int positions = cls ? 1 : grid * grid;
        int k = cls ? head.config().outDim() : head.config().effectivePatchDim();
        err.println("extract_patterns: " + source.size() + " images from " + source.description() + "; " + model.describe()
                + "; head K=" + k + "; crop " + size + " (resize " + transform.resize() + ")");
        err.flush();

        Patterns.Table table = Patterns.Table.allocate(source.size(), positions);
        try (var ng = GradMode.noGrad()) {
            for (int start = 0; start < source.size(); start += batchSize) {
                int b = Math.min(batchSize, source.size() - start);
                List<Tensor> xs = new ArrayList<>(b);
                for (int i = start; i < start + b; i++) xs.add(transform.apply(source.reader().read(i)).reshape(1, 3, size, size));
                Tensor tokens = model.forward(Tensor.concat(xs, 0)).allTokens();
                IbotHead.Output out = head.forward(tokens);
                Tensor logits = cls ? out.cls() : out.patch();
                if (!cls && logits.dim(1) != positions)
                    throw new IllegalArgumentException(model.describe() + " gave " + logits.dim(1) + " patch tokens, expected " + positions + " on a " + grid + "x" + grid + " grid");
                float[] all = logits.contiguous().toArray();
                int per = positions * k;
                for (int j = 0; j < b; j++) table.put(start + j, java.util.Arrays.copyOfRange(all, j * per, (j + 1) * per), k);
                err.println("extract_patterns: " + (start + b) + "/" + source.size() + " images");
                err.flush();
            }
        }

        long[] counts = Patterns.counts(table, k);
        int[] shown = Patterns.mostFrequent(counts, showPics);
        Files.createDirectories(outputDir);
        int unit = cls ? size : Math.min(patchWindow * stride, size);
        HtmlPage page = new HtmlPage("iBOT patterns (" + type + ")");
        page.section("Patterns", shown.length + " most frequent of " + k + " head indices over " + source.size() + " images; up to " + topk
                + (cls ? " images" : " " + patchWindow + "x" + patchWindow + "-patch crops (firing patch highlighted)") + " each, best first.");
        List<Object> list = new ArrayList<>();
        for (int rank = 0; rank < shown.length; rank++) {
            int index = shown[rank];
            List<Patterns.Hit> hits = Patterns.rank(table, index, 2 * topk);
            List<BufferedImage> tiles = new ArrayList<>();
            List<Object> used = new ArrayList<>();
            int dark = 0;
            for (Patterns.Hit h : hits) {
                if (tiles.size() >= topk) break;
                RgbImage img = transform.centerCrop(transform.resized(source.reader().read(h.image())));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("image", h.image());
                m.put("name", source.names().get(h.image()));
                m.put("logit", h.value());
                if (cls) {
                    tiles.add(Images.toBuffered(img));
                } else {
                    int row = h.position() / grid, col = h.position() % grid;
                    Patterns.Window w = Patterns.window(row, col, stride, patchWindow, size);
                    if (Patterns.tooDark(img.crop(w.left(), w.top(), w.size(), w.size()))) { dark++; continue; }
                    tiles.add(Patterns.highlighted(img, w, stride));
                    m.put("patch", List.of(row, col));
                }
                used.add(m);
            }
            String file = String.format(java.util.Locale.ROOT, "%s_rank%02d_idx%d_top%d.png", type, rank, index, topk);
            byte[] png = PngWriter.write(Patterns.tile(tiles, topk, unit), outputDir.resolve(file));
            page.image("rank " + rank + ": index " + index + " (" + counts[index] + (cls ? " images" : " patches") + ", " + tiles.size() + " shown)", png, Math.max(360, Math.min(720, unit * (int) Math.ceil(Math.sqrt(topk)))));
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("rank", rank);
            p.put("index", index);
            p.put("count", counts[index]);
            p.put("candidates", hits.size());
            p.put("skipped_dark", dark);
            p.put("file", file);
            p.put("shown", used);
            list.add(p);
        }
        page.write(outputDir.resolve("index.html"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", type);
        json.put("images", source.size());
        json.put("data", source.description());
        json.put("out_dim", k);
        json.put("image_size", size);
        json.put("grid", cls ? List.of(1, 1) : List.of(grid, grid));
        json.put("patch_window", patchWindow);
        json.put("topk", topk);
        json.put("distinct_indices_used", java.util.Arrays.stream(counts).filter(c -> c > 0).count());
        json.put("patterns", list);
        Json.save(outputDir.resolve("patterns.json"), json);
        spec.commandLine().getOut().println("extract_patterns: " + shown.length + " patterns written to " + outputDir);
        spec.commandLine().getOut().flush();
    }

    private Source open() throws IOException {
        Path dp = dataPath;
        if (!Files.exists(dp)) throw new NoSuchFileException(dp.toString(), null, "--data_path");
        if (Files.isDirectory(dp) && FashionMnist.holdsSplit(dp, false)) {
            FashionMnist fm = FashionMnist.load(dp, false);
            int n = maxImages > 0 ? Math.min(maxImages, fm.size()) : fm.size();
            List<String> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) names.add("fashion-mnist test #" + i);
            return new Source("Fashion-MNIST test split in " + dp, n, names, i -> {
                RgbImage img = fm.image(i);
                if (img == null) throw new IOException("cannot decode Fashion-MNIST test image " + i);
                return img;
            });
        }
        List<Path> files = Files.isDirectory(dp) ? ImageFiles.list(dp) : List.of(dp);
        if (files.isEmpty()) throw new IllegalArgumentException("no image files in " + dp);
        int n = maxImages > 0 ? Math.min(maxImages, files.size()) : files.size();
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) names.add(Files.isDirectory(dp) ? dp.relativize(files.get(i)).toString() : files.get(i).toString());
        return new Source("image folder " + dp, n, names, i -> ImageFiles.read(files.get(i)));
    }
}
