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
    @Option(names = "--arch", defaultValue = "vit_small", description = "Architecture: vit_tiny, vit_small, vit_base, vit_large, swin_tiny (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--patch_size", defaultValue = "16", description = "Patch size (default: ${DEFAULT-VALUE}).")
    int patchSize;

    @Option(names = "--window_size", defaultValue = "7", description = "Swin window size (default: ${DEFAULT-VALUE}).")
    int windowSize;

    @Option(names = "--embed_dim", description = "Override the preset's token width.")
    Integer embedDim;

    @Option(names = "--depth", description = "Override the preset's number of blocks.")
    Integer depth;

    @Option(names = "--num_heads", description = "Override the preset's number of attention heads.")
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

    /** {@code --image_size}, or {@code fallback} when not given. */
    public int imageSize(int fallback) { return imageSize != null ? imageSize : fallback; }

    /** {@code --image_size}, or 224. */
    public int imageSize() { return imageSize(224); }

    /** The spec these flags describe, for images of side {@code imgSize}. */
    public BackboneSpec spec(int imgSize) {
        return new BackboneSpec(arch, patchSize, windowSize, embedDim, depth, numHeads, imgSize, 0f, false);
    }

    public Path weights() { return weights; }

    public String checkpointKey() { return checkpointKey; }

    public String arch() { return arch; }

    public int patchSize() { return patchSize; }

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
            throw new IOException("cannot read " + file + ": " + ExtractBackboneCommand.describe(e), e);
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
