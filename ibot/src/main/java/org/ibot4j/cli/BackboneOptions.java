package org.ibot4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ibot4j.model.Backbone;
import org.ibot4j.model.BackboneSpec;
import org.ibot4j.model.BackboneWeights;
import org.ibot4j.model.Backbones;
import org.ibot4j.runtime.io.PickledObject;
import org.ibot4j.runtime.io.PthArchive;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.io.SafeTensors;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Shape;
import picocli.CommandLine.Option;

/**
 * The backbone flags every evaluation and analysis command shares ({@code --arch}, {@code --patch_size},
 * {@code --window_size}, width/depth/heads overrides, {@code --pretrained_weights}, {@code --checkpoint_key}) and
 * the loading they imply. Used as a picocli {@code @Mixin}.
 */
public final class BackboneOptions {
    @Option(names = "--arch", description = "Architecture: vit_tiny, vit_small, vit_base, vit_large, swin_tiny (default: the checkpoint's, else vit_small).")
    String arch;

    @Option(names = "--patch_size", description = "Patch size (default: the checkpoint's, else 16 for ViT, 4 for Swin).")
    Integer patchSize;

    @Option(names = "--window_size", description = "Swin window size (default: the checkpoint's, else 7).")
    Integer windowSize;

    @Option(names = "--embed_dim", description = "Override the preset's token width (default: the checkpoint's).")
    Integer embedDim;

    @Option(names = "--depth", description = "Override the preset's number of blocks (default: the checkpoint's).")
    Integer depth;

    @Option(names = "--num_heads", description = "Override the preset's number of attention heads (default: the checkpoint's).")
    Integer numHeads;

    @Option(names = "--pretrained_weights", paramLabel = "FILE",
            description = "Weights: a .pth checkpoint (full, teacher or backbone) or a .safetensors backbone.")
    Path weights;

    @Option(names = "--checkpoint_key", defaultValue = "teacher",
            description = "Entry of a full checkpoint to take the backbone from (default: ${DEFAULT-VALUE}).")
    String checkpointKey;

    @Option(names = "--image_size", paramLabel = "S",
            description = "Side of the evaluation crop in pixels (default: the checkpoint's global crop size when it records one, else 224).")
    Integer imageSize;

    private Map<String, Object> checkpointArgs;

    /**
     * {@code --image_size}; else the {@code global_crop_size} the checkpoint's pre-training recorded in its
     * {@code args}; else {@code fallback}.
     */
    public int imageSize(int fallback) {
        if (imageSize != null) return imageSize;
        Integer fromArgs = intArg("global_crop_size");
        return fromArgs != null ? fromArgs : fallback;
    }

    /** {@link #imageSize(int)} with fallback 224. */
    public int imageSize() { return imageSize(224); }

    /**
     * The spec these flags describe, for images of side {@code imgSize}. A flag not given takes the value the
     * checkpoint's pre-training recorded in its {@code args} (ibot4j and official checkpoints both keep them), so
     * {@code --pretrained_weights out/checkpoint.pth} alone describes the model that wrote it; then the preset.
     */
    public BackboneSpec spec(int imgSize) {
        return new BackboneSpec(arch(), patchSize(), windowSize(), embedDim != null ? embedDim : intArg("embed_dim"),
                depth != null ? depth : intArg("depth"), numHeads != null ? numHeads : intArg("num_heads"), imgSize, 0f, false);
    }

    public Path weights() { return weights; }

    public String checkpointKey() { return checkpointKey; }

    /** {@code --arch}, else the checkpoint's, else {@code vit_small}. */
    public String arch() {
        if (arch != null) return arch;
        Object a = args().get("arch");
        return a instanceof String str && !str.isBlank() ? str.replace("deit", "vit") : "vit_small";
    }

    /** {@code --patch_size}, else the checkpoint's, else 16. */
    public int patchSize() {
        if (patchSize != null) return patchSize;
        Integer v = intArg("patch_size");
        return v != null ? v : arch().startsWith("swin") ? 4 : 16;
    }

    /** {@code --window_size}, else the checkpoint's, else 7. */
    public int windowSize() {
        if (windowSize != null) return windowSize;
        Integer v = intArg("window_size");
        return v != null ? v : 7;
    }

    private Integer intArg(String key) {
        Object v = args().get(key);
        return v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() > 0 ? (Integer) n.intValue() : null;
    }

    /** The {@code args} a pre-training checkpoint recorded (a dict, or an argparse Namespace), else empty; read once. */
    private Map<String, Object> args() {
        if (checkpointArgs != null) return checkpointArgs;
        checkpointArgs = Map.of();
        if (weights == null || !Files.isRegularFile(weights) || weights.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors"))
            return checkpointArgs;
        try (PthArchive a = PthReader.open(weights)) {
            if (a.root() instanceof Map<?, ?> root) {
                Object args = root.get("args");
                if (args instanceof PickledObject po) args = po.state();
                if (args instanceof Map<?, ?> m) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (var e : m.entrySet()) out.put(String.valueOf(e.getKey()), e.getValue());
                    checkpointArgs = out;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable here: load() reports the problem with the file itself
        }
        return checkpointArgs;
    }

    /** The backbone with {@code --pretrained_weights} loaded strictly, in eval mode; the flag is required here. */
    public Backbone load(int imgSize) throws IOException {
        if (weights == null) throw new IllegalArgumentException("--pretrained_weights FILE is required");
        return load(weights, checkpointKey, spec(imgSize));
    }

    /** The same architecture at its reference random init (seeded), in eval mode: the baseline of an evaluation. */
    public Backbone randomInit(int imgSize, long seed) {
        Backbone b = Backbones.create(spec(imgSize), new Rng(seed));
        b.eval();
        return b;
    }

    /**
     * {@link #load(int)} when {@code --pretrained_weights} is given; else, when {@code randomInit} (a command's
     * {@code --random_init}), {@link #randomInit(int, long)}; else an error asking for one of them.
     */
    public Backbone loadOrRandomInit(int imgSize, boolean randomInit, long seed) throws IOException {
        if (weights != null) return load(imgSize);
        if (!randomInit) throw new IllegalArgumentException("--pretrained_weights FILE is required (or --random_init for a random-weight baseline)");
        return randomInit(imgSize, seed);
    }

    /**
     * {@code file} (a {@code .pth} checkpoint or a {@code .safetensors} backbone, opened lazily so the weights go
     * from the mapped file straight into the model) strictly loaded into the backbone {@code spec} describes,
     * fitted to the checkpoint's own position-table grid; in eval mode.
     */
    public static Backbone load(Path file, String checkpointKey, BackboneSpec spec) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "weights/checkpoint file not found");
        Object root;
        Runnable close;
        try {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
                SafeTensors.Archive a = SafeTensors.open(file);
                root = new LinkedHashMap<String, Object>(a.tensors());
                close = a::close;
            } else {
                PthArchive a = PthReader.open(file);
                root = a.root();
                close = a::close;
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + file + ": " + CommandErrors.describe(e), e);
        }
        try {
            Map<String, Shape> shapes = BackboneWeights.backboneShapes(root, checkpointKey);
            Backbone model = Backbones.forLoading(Backbones.fitToCheckpoint(spec, shapes));
            try {
                BackboneWeights.load(model, root, checkpointKey);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("weights " + file + " do not fit --arch " + spec.arch() + " --patch_size " + spec.patchSize() + ": " + e.getMessage(), e);
            }
            model.eval();
            return model;
        } finally {
            close.run();
        }
    }
}
