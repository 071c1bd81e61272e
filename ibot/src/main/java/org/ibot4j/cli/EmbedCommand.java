package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.ImageFiles;
import org.ibot4j.model.Backbone;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.io.Npy;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ibot embed}: runs a ViT backbone with given weights on a batch of images and writes the features as a
 * NumPy {@code .npy} file. The input is either a {@code .npy} batch of already-normalised {@code [N,3,H,W]}
 * float32 images (any size the patch grid allows; position embeddings are resampled) or a folder of images,
 * preprocessed with the evaluation transform ({@link EvalTransform}) and listed, in row order, in
 * {@code OUTPUT.files.txt}. Output: final-norm CLS features {@code [N,D]}; {@code --all_tokens}
 * {@code [N,1+P,D]}; {@code --attention} the last block's attention {@code [N,heads,1+P,1+P]}.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Run a ViT backbone on images and write its features as a NumPy .npy file.",
                "A folder input is resized (shorter side round(S*256/224), PIL bicubic), centre-cropped to S",
                "(--image_size) and normalised as evaluation does; its row order is written to OUTPUT.files.txt.",
                "A .npy input is an already-normalised [N,3,H,W] float32 batch."})
public final class EmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin BackboneOptions backbone;

    @Option(names = "--input", required = true, paramLabel = "DIR|BATCH.npy", description = "A folder of images or a .npy [N,3,H,W] batch.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.npy", description = "The .npy file to write.")
    Path output;

    @Option(names = "--all_tokens", description = "Write all final-norm tokens [N,1+P,D] instead of the CLS features.")
    boolean allTokens;

    @Option(names = "--attention", description = "Write the last block's attention [N,heads,1+P,1+P] instead of the CLS features.")
    boolean attention;

    @Option(names = "--batch_size", defaultValue = "32", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override public Integer call() {
        return CommandErrors.run(spec, CommandErrors.AS_IS, this::run);
    }

    private void run(PrintWriter err) throws IOException {
        int imageSize = backbone.imageSize();
        if (allTokens && attention) throw new IllegalArgumentException("--all_tokens and --attention are exclusive: pick one output");
        if (batchSize < 1) throw new IllegalArgumentException("--batch_size must be >= 1, got " + batchSize);
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy"))
            throw new IllegalArgumentException("--output must be a .npy file, got " + output);
        if (!Files.exists(input)) throw new NoSuchFileException(input.toString(), null, "--input");
        if (backbone.weights() == null) throw new IllegalArgumentException("--pretrained_weights FILE is required");
        int patchSize = backbone.patchSize();
        if (imageSize < patchSize) throw new IllegalArgumentException("--image_size " + imageSize + " is smaller than the patch size " + patchSize);
        Backbone model = backbone.load(imageSize);

        Batches batches = Files.isDirectory(input) ? folderBatches(err) : npyBatches();
        int n = batches.count();
        if (n == 0) throw new IllegalArgumentException("no images in " + input);
        float[] out = null;
        int[] rowDims = null;
        int rowSize = 0, done = 0;
        try (var noGrad = GradMode.noGrad()) {
            while (done < n) {
                int b = Math.min(batchSize, n - done);
                Tensor x = batches.get(done, b);
                Backbone.Output o = model.forward(x, null, attention);
                Tensor y = attention ? o.attention() : allTokens ? o.allTokens() : o.cls();
                if (out == null) {
                    rowDims = java.util.Arrays.copyOfRange(y.dims(), 1, y.rank());
                    rowSize = y.size() / b;
                    long total = (long) rowSize * n;
                    if (total > Integer.MAX_VALUE - 8)
                        throw new IllegalArgumentException("output of " + total + " floats is too large for one .npy; embed fewer images per call");
                    out = new float[(int) total];
                }
                y.copyInto(out, done * rowSize);
                done += b;
                if (batches.isFolder()) {
                    err.println("embed: " + done + "/" + n + " images");
                    err.flush();
                }
            }
        }
        int[] dims = new int[rowDims.length + 1];
        dims[0] = n;
        System.arraycopy(rowDims, 0, dims, 1, rowDims.length);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        final float[] data = out;
        Npy.save(output, Tensor.of(data, dims)); // written atomically
        if (batches.isFolder()) {
            Path list = filesListPath(output);
            StringBuilder sb = new StringBuilder();
            for (Path p : batches.files()) sb.append(input.relativize(p)).append('\n');
            ExtractBackboneCommand.writeAtomically(list, tmp -> Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("wrote " + output + " " + shapeString(dims) + " and " + list);
        } else {
            spec.commandLine().getOut().println("wrote " + output + " " + shapeString(dims));
        }
        spec.commandLine().getOut().flush();
    }

    /** {@code OUT.npy → OUT.files.txt}: the row-order list of a folder input. */
    static Path filesListPath(Path output) {
        String name = output.getFileName().toString();
        return output.resolveSibling(name.substring(0, name.length() - ".npy".length()) + ".files.txt");
    }

    private static String shapeString(int[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i > 0 ? ", " : "").append(dims[i]);
        return sb.append(']').toString();
    }

    /** Where the images of one forward pass come from. */
    private interface Batches {
        int count();

        Tensor get(int start, int size) throws IOException;

        boolean isFolder();

        List<Path> files();
    }

    private Batches npyBatches() throws IOException {
        if (!input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy"))
            throw new IllegalArgumentException("--input must be a folder of images or a .npy batch, got " + input);
        Tensor all;
        try {
            all = Npy.load(input);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + input + ": " + CommandErrors.describe(e), e);
        }
        if (all.rank() != 4 || all.dim(1) != 3)
            throw new IllegalArgumentException("--input " + input + " must hold an [N,3,H,W] batch, got shape " + all.shape());
        if (all.dim(2) < backbone.patchSize() || all.dim(3) < backbone.patchSize())
            throw new IllegalArgumentException("--input images are " + all.dim(2) + "x" + all.dim(3) + ", smaller than the patch size " + backbone.patchSize());
        return new Batches() {
            @Override public int count() { return all.dim(0); }

            @Override public Tensor get(int start, int size) { return all.slice(0, start, start + size).contiguous(); }

            @Override public boolean isFolder() { return false; }

            @Override public List<Path> files() { return List.of(); }
        };
    }

    private Batches folderBatches(PrintWriter err) throws IOException {
        List<Path> files = ImageFiles.list(input);
        int imageSize = backbone.imageSize();
        EvalTransform transform = EvalTransform.forCrop(imageSize);
        err.println("embed: " + files.size() + (files.size() == 1 ? " image in " : " images in ") + input + " (resize " + transform.resize() + ", crop " + imageSize + ")");
        return new Batches() {
            @Override public int count() { return files.size(); }

            @Override public Tensor get(int start, int size) throws IOException {
                List<Tensor> xs = new ArrayList<>(size);
                for (int i = start; i < start + size; i++) xs.add(transform.apply(ImageFiles.read(files.get(i))).reshape(1, 3, imageSize, imageSize));
                return Tensor.concat(xs, 0);
            }

            @Override public boolean isFolder() { return true; }

            @Override public List<Path> files() { return files; }
        };
    }
}
