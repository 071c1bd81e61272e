package org.ibot4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs one of the PyTorch reference scripts bundled in the jar, for benchmarks that compare in one run. */
final class PythonReference {
    private PythonReference() {}

    /** The script's output, a short reason when it failed, or null when python3 or torch is missing. */
    static String run(String python, String script, String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(python))) return null;
        Path file = Files.createTempFile("ibot4j-" + script.replace(".py", ""), ".py");
        try {
            try (InputStream in = PythonReference.class.getResourceAsStream(script)) {
                if (in == null) return script + " missing from the jar";
                Files.write(file, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) { p.destroyForcibly(); return "torch timed out"; }
            if (p.exitValue() != 0)
                return out.contains("No module named 'torch'") ? null : "torch failed: " + out.lines().reduce((a, b) -> b).orElse("");
            return out;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The comparison a benchmark line ends with: {@code torch=<ms> ms speedup=<torch/ours>} from the script's
     * {@code <key>=<ms>} figure, else {@link #unavailable(String)}.
     */
    static String comparison(String torch, String key, double oursMs) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "=([0-9.]+)").matcher(torch == null ? "" : torch);
        if (!m.find()) return unavailable(torch);
        double t = Double.parseDouble(m.group(1));
        return String.format(" torch=%.1f ms speedup=%.2f", t, t / oursMs);
    }

    /** Why a benchmark line has no PyTorch figure: {@link #run}'s reason, or no python3 with torch when it gave none. */
    static String unavailable(String torch) {
        return " torch=n/a (" + (torch == null ? "no python3 with torch" : torch.trim()) + ")";
    }
}
