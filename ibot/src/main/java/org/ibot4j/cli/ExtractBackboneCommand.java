package org.ibot4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibot4j.model.BackboneWeights;
import org.ibot4j.runtime.io.PthReader;
import org.ibot4j.runtime.io.PthWriter;
import org.ibot4j.runtime.io.SafeTensors;
import org.ibot4j.runtime.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ibot extract_backbone CHECKPOINT OUTPUT --checkpoint_key student|teacher} (spec 8.4, the fine-tuning
 * variant): takes {@code checkpoint[key]}, keeps the keys starting with {@code module.backbone.} or
 * {@code backbone.} with that prefix stripped, and writes the flat backbone state dict to {@code OUTPUT.pth}
 * (opened by {@code torch.load}) or {@code OUTPUT.safetensors} (with the source file and key as metadata).
 * Fails when no backbone key is found.
 */
@Command(name = "extract_backbone", mixinStandardHelpOptions = true,
        description = {"Extract the backbone weights of a pre-training checkpoint as a flat state dict.",
                "Keys 'module.backbone.*' / 'backbone.*' of checkpoint[--checkpoint_key] are kept, prefix stripped;",
                "the output format follows the OUTPUT extension: .pth (torch.load) or .safetensors."})
public final class ExtractBackboneCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A .pth checkpoint (e.g. checkpoint.pth) or .safetensors file.")
    Path checkpoint;

    @Parameters(index = "1", paramLabel = "OUTPUT", description = "The backbone file to write: .pth or .safetensors.")
    Path output;

    @Option(names = "--checkpoint_key", defaultValue = "teacher",
            description = "student or teacher (default: ${DEFAULT-VALUE}).")
    String checkpointKey;

    @Override public Integer call() {
        return CommandErrors.run(spec, CommandErrors.AS_IS, err -> run());
    }

    private void run() throws IOException {
        String format = formatOf(output);
        Object root = readCheckpoint(checkpoint);
        LinkedHashMap<String, Tensor> backbone = BackboneWeights.extract(root, checkpointKey);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (format.equals("pth")) {
            PthWriter.save(output, backbone); // both writers write atomically
        } else {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("source", checkpoint.getFileName().toString());
            meta.put("checkpoint_key", checkpointKey);
            SafeTensors.save(output, backbone, meta);
        }
        long params = 0;
        for (Tensor t : backbone.values()) params += t.size();
        spec.commandLine().getOut().println("wrote " + output + ": " + backbone.size() + " tensors, " + params
                + " parameters, from '" + checkpointKey + "' of " + checkpoint);
        spec.commandLine().getOut().flush();
    }

    private static String formatOf(Path output) {
        String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pth") || name.endsWith(".pt")) return "pth";
        if (name.endsWith(".safetensors")) return "safetensors";
        throw new IllegalArgumentException("OUTPUT must end with .pth or .safetensors, got " + output);
    }

    /**
     * The root object of a weights file: a {@code .safetensors} file's tensors as a flat map, anything else
     * read as a PyTorch {@code .pth} (zip + pickle). A missing file is a {@link NoSuchFileException}; an
     * unreadable one an IOException naming it.
     */
    static Object readCheckpoint(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "weights/checkpoint file not found");
        try {
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors"))
                return new LinkedHashMap<String, Object>(SafeTensors.load(file).tensors());
            return PthReader.load(file);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + file + ": " + CommandErrors.describe(e), e);
        }
    }

    /** Something that writes a file at a given path. */
    @FunctionalInterface
    interface Writer {
        void write(Path path) throws IOException;
    }

    /**
     * Writes {@code target} through a temporary sibling then an atomic rename, so a failed or interrupted write
     * never leaves a truncated file under the final name.
     */
    static void writeAtomically(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
