package org.ibot4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The YAML subset used by the presets in {@code conf/}: one {@code key: value} or {@code key: [a, b]} per line,
 * {@code #} comments and blank lines ignored, values optionally quoted. Keys are the reference argument names
 * without dashes ({@code batch_size_per_gpu}). Anything else (nesting, multi-line values) is an error naming
 * the file and line.
 */
public final class ConfigFile {
    private ConfigFile() {}

    /** Key → values (a scalar is a one-element list), in file order. */
    public static LinkedHashMap<String, List<String>> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("config file not found: " + file);
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static LinkedHashMap<String, List<String>> parse(String text, String source) {
        LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]).strip();
            if (line.isEmpty() || line.equals("---")) continue;
            int colon = line.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected 'key: value', got '" + lines[i].strip() + "'");
            if (Character.isWhitespace(lines[i].charAt(0)))
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": nested keys are not supported");
            String key = line.substring(0, colon).strip().replace('-', '_');
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty()) throw new IllegalArgumentException(source + ":" + (i + 1) + ": key '" + key + "' has no value");
            List<String> values = new ArrayList<>();
            if (value.startsWith("[")) {
                if (!value.endsWith("]")) throw new IllegalArgumentException(source + ":" + (i + 1) + ": list for '" + key + "' must end with ']'");
                String inner = value.substring(1, value.length() - 1).strip();
                if (!inner.isEmpty()) for (String v : inner.split(",")) values.add(unquote(v.strip()));
            } else {
                values.add(unquote(value));
            }
            if (out.put(key, values) != null) throw new IllegalArgumentException(source + ":" + (i + 1) + ": key '" + key + "' given twice");
        }
        return out;
    }

    private static String stripComment(String line) {
        boolean inQuote = false;
        char q = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inQuote) { if (c == q) inQuote = false; }
            else if (c == '"' || c == '\'') { inQuote = true; q = c; }
            else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) return line.substring(0, i);
        }
        return line;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0))
            return v.substring(1, v.length() - 1);
        return v;
    }
}
