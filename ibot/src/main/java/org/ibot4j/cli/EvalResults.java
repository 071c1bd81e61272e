package org.ibot4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.ibot4j.analysis.Json;

/**
 * The result files of the evaluation commands: a JSON document written atomically (a reader never sees half a
 * file), and JSON-lines logs (one compact object per line, appended as training goes).
 */
public final class EvalResults {
    private EvalResults() {}

    /** Writes {@code value} as indented JSON to {@code file}, atomically; creates the parent folder. */
    public static void write(Path file, Object value) throws IOException {
        createParent(file);
        String text = Json.write(value);
        ExtractBackboneCommand.writeAtomically(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Empties (or creates) the JSON-lines file {@code file}. */
    public static void startLog(Path file) throws IOException {
        createParent(file);
        Files.writeString(file, "", StandardCharsets.UTF_8);
    }

    /** Appends {@code record} to {@code file} as one line of JSON. */
    public static void appendLine(Path file, Map<String, ?> record) throws IOException {
        String line = Json.write(record).replaceAll("\\n\\s*", " ").replace("{ ", "{").replace(" }", "}").strip();
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }
}
