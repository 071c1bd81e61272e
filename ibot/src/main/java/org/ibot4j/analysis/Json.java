package org.ibot4j.analysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** A minimal JSON writer for the small result files of the analysis commands (maps, lists, arrays, numbers, strings). */
public final class Json {
    private Json() {}

    /** {@code value} as indented JSON text: maps, collections, int/float/double arrays, numbers, booleans, strings, null. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, 0);
        return sb.append('\n').toString();
    }

    /** Writes {@code value} as JSON to {@code file} (UTF-8). */
    public static void save(Path file, Object value) throws IOException {
        Files.writeString(file, write(value), StandardCharsets.UTF_8);
    }

    private static void write(Object v, StringBuilder sb, int indent) {
        if (v == null) sb.append("null");
        else if (v instanceof String s) quote(s, sb);
        else if (v instanceof Boolean b) sb.append(b);
        else if (v instanceof Float f) number(f.doubleValue(), sb);
        else if (v instanceof Double d) number(d, sb);
        else if (v instanceof Number n) sb.append(n.longValue());
        else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) { sb.append("{}"); return; }
            sb.append("{\n");
            int i = 0;
            for (var e : m.entrySet()) {
                pad(sb, indent + 1);
                quote(String.valueOf(e.getKey()), sb);
                sb.append(": ");
                write(e.getValue(), sb, indent + 1);
                sb.append(++i < m.size() ? ",\n" : "\n");
            }
            pad(sb, indent);
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            boolean flat = c.stream().allMatch(x -> x == null || x instanceof Number || x instanceof String || x instanceof Boolean);
            sb.append('[');
            int i = 0;
            for (Object x : c) {
                if (!flat) { sb.append('\n'); pad(sb, indent + 1); }
                write(x, sb, indent + 1);
                if (++i < c.size()) sb.append(flat ? ", " : ",");
            }
            if (!flat && !c.isEmpty()) { sb.append('\n'); pad(sb, indent); }
            sb.append(']');
        } else if (v instanceof int[] a) write(java.util.Arrays.stream(a).boxed().toList(), sb, indent);
        else if (v instanceof long[] a) write(java.util.Arrays.stream(a).boxed().toList(), sb, indent);
        else if (v instanceof double[] a) write(java.util.Arrays.stream(a).boxed().toList(), sb, indent);
        else if (v instanceof float[] a) {
            Double[] d = new Double[a.length];
            for (int i = 0; i < a.length; i++) d[i] = (double) a[i];
            write(java.util.List.of(d), sb, indent);
        } else quote(v.toString(), sb);
    }

    private static void number(double d, StringBuilder sb) {
        if (!Double.isFinite(d)) sb.append("null");
        else if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d);
        else sb.append(String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e"));
    }

    private static void pad(StringBuilder sb, int indent) { sb.append("  ".repeat(indent)); }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
