package org.ibot4j.nativebind.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ibot4j.nativebind.NativeLibraries;

/**
 * Finds the CUDA shared libraries. Search order, first hit wins:
 * <ol>
 *   <li>the folders of the setting {@value #LIBDIR_PROPERTY} (system property) or the environment variable
 *       {@code IBOT4J_CUDA_LIBDIR}, a path list separated by {@code :};</li>
 *   <li>{@code $CUDA_HOME/lib64}, {@code $CUDA_HOME/lib}, {@code /usr/local/cuda/lib64};</li>
 *   <li>the NVIDIA pip wheels PyTorch images carry: {@code <site-packages>/nvidia/cu13/lib}, then
 *       {@code <site-packages>/nvidia/* /lib}, then {@code torch/lib}, for the site-packages of
 *       {@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX}, {@code /opt/conda}, {@code /usr/local}, {@code /usr},
 *       {@code ~/.local};</li>
 *   <li>the dynamic linker cache ({@code ldconfig -p});</li>
 *   <li>the bare sonames, resolved by the dynamic linker's own search path.</li>
 * </ol>
 * Within one folder newer versions come first ({@code libcublas.so.13} before {@code .12}). The driver stub
 * ({@code lib64/stubs/libcuda.so}) is never searched: it loads but answers {@code CUDA_ERROR_STUB_LIBRARY}.
 * Before a library is loaded from a folder, its companions in that folder are loaded first
 * ({@code libcublasLt} for cuBLAS, {@code libnvrtc-builtins} for NVRTC), so the dynamic linker
 * resolves them there even when the folder is not on its path.
 */
public final class CudaLibraries {
    /** Setting naming extra library folders (path list), searched first. */
    public static final String LIBDIR_PROPERTY = "ibot4j.cuda.libdir";

    private CudaLibraries() {}

    /** The libraries the bindings use: file stem, versions newest first, companion stems loaded beforehand. */
    public enum Library {
        DRIVER("the CUDA driver", "libcuda.so", List.of("1"), List.of()),
        CUBLAS_LT("cuBLASLt", "libcublasLt.so", List.of("13", "12", "11"), List.of()),
        CUBLAS("cuBLAS", "libcublas.so", List.of("13", "12", "11"), List.of("libcublasLt.so")),
        NVRTC("NVRTC", "libnvrtc.so", List.of("13", "12", "11"), List.of("libnvrtc-builtins.so"));

        final String title;

        final String stem;
        final List<String> versions;
        final List<String> companions;

        Library(String title, String stem, List<String> versions, List<String> companions) {
            this.title = title;
            this.stem = stem;
            this.versions = versions;
            this.companions = companions;
        }

        /** The file names tried in one folder, newest first, then the unversioned development link. */
        public List<String> fileNames() {
            List<String> out = new ArrayList<>();
            for (String v : versions) out.add(stem + "." + v);
            out.add(stem);
            return out;
        }
    }

    /**
     * Where to look: the explicit setting (may be null), CUDA_HOME (may be null), the prefixes whose Python
     * site-packages are searched, and the text of {@code ldconfig -p} (may be empty).
     */
    public record Settings(String libdirSetting, String cudaHome, List<Path> pythonPrefixes, String ldconfigOutput) {
        /** The settings of this process: system property, environment and the standard prefixes. */
        public static Settings fromSystem() {
            String libdir = System.getProperty(LIBDIR_PROPERTY, System.getenv("IBOT4J_CUDA_LIBDIR"));
            String cudaHome = System.getenv("CUDA_HOME");
            if (cudaHome == null) cudaHome = System.getenv("CUDA_PATH");
            List<Path> prefixes = new ArrayList<>();
            for (String env : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
                String v = System.getenv(env);
                if (v != null && !v.isBlank()) prefixes.add(Path.of(v));
            }
            prefixes.add(Path.of("/opt/conda"));
            prefixes.add(Path.of("/usr/local"));
            prefixes.add(Path.of("/usr"));
            prefixes.add(Path.of(System.getProperty("user.home", "/root"), ".local"));
            return new Settings(libdir, cudaHome, prefixes, ldconfig());
        }
    }

    /** What a lookup found (empty when nothing loaded) and every name it tried, for the "why not" message. */
    public record Lookup(Library library, Optional<NativeLibraries.Found> found, List<String> tried) {
        /** One line saying what was looked for, for logs and unavailability reasons. */
        public String describe() {
            return found.map(f -> library.title + " loaded from " + f.name())
                    .orElseGet(() -> library.title + " (" + library.stem + ".*) not found (tried " + tried.size() + " names: "
                            + String.join(", ", tried.subList(0, Math.min(6, tried.size())))
                            + (tried.size() > 6 ? ", ..." : "") + "; set -D" + LIBDIR_PROPERTY + "=<folder>)");
        }
    }

    /** The folders searched, in order, that exist. */
    public static List<Path> searchDirs(Settings s) {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        if (s.libdirSetting() != null)
            for (String p : s.libdirSetting().split(File.pathSeparator))
                if (!p.isBlank()) dirs.add(Path.of(p.trim()));
        if (s.cudaHome() != null && !s.cudaHome().isBlank()) {
            dirs.add(Path.of(s.cudaHome(), "lib64"));
            dirs.add(Path.of(s.cudaHome(), "lib"));
        }
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        for (Path prefix : s.pythonPrefixes())
            for (Path site : sitePackages(prefix)) {
                dirs.add(site.resolve("nvidia/cu13/lib"));
                for (Path d : children(site.resolve("nvidia"))) dirs.add(d.resolve("lib"));
                dirs.add(site.resolve("torch/lib"));
            }
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) if (Files.isDirectory(d)) out.add(d.toAbsolutePath().normalize());
        return out;
    }

    /**
     * Every name to try for {@code lib}, in order: files that exist in {@code dirs}, paths the linker cache
     * lists, then the bare sonames.
     */
    public static List<String> candidates(Library lib, List<Path> dirs, String ldconfigOutput) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Path d : dirs)
            for (String f : lib.fileNames()) {
                Path p = d.resolve(f);
                if (Files.isRegularFile(p)) out.add(p.toString());
            }
        for (String f : lib.fileNames()) out.addAll(parseLdconfig(ldconfigOutput, f));
        for (String f : lib.fileNames()) if (!f.equals(lib.stem) || lib == Library.DRIVER) out.add(f);
        return List.copyOf(out);
    }

    /** The paths {@code ldconfig -p} lists for exactly the file name {@code name}. */
    public static List<String> parseLdconfig(String output, String name) {
        List<String> out = new ArrayList<>();
        if (output == null) return out;
        for (String line : output.split("\n")) {
            String t = line.strip();
            int paren = t.indexOf(" (");
            int arrow = t.indexOf("=> ");
            if (paren <= 0 || arrow < 0) continue;
            if (t.substring(0, paren).equals(name) && !t.contains("/stubs/")) out.add(t.substring(arrow + 3).strip());
        }
        return out;
    }

    /** Searches for and loads {@code lib} with the settings of this process. Never throws. */
    public static Lookup load(Library lib) { return load(lib, Settings.fromSystem()); }

    /** Searches for and loads {@code lib}. Never throws. */
    public static Lookup load(Library lib, Settings s) {
        List<String> tried = candidates(lib, searchDirs(s), s.ldconfigOutput());
        for (String name : tried) {
            Path p = Path.of(name);
            if (p.isAbsolute() && p.getParent() != null) preloadCompanions(lib, p.getParent());
            Optional<NativeLibraries.Found> f = NativeLibraries.find(List.of(name));
            if (f.isPresent()) return new Lookup(lib, f, tried);
        }
        return new Lookup(lib, Optional.empty(), tried);
    }

    private static void preloadCompanions(Library lib, Path dir) {
        for (String stem : lib.companions)
            for (Path c : children(dir))
                if (c.getFileName().toString().startsWith(stem)) NativeLibraries.find(List.of(c.toString()));
    }

    private static List<Path> sitePackages(Path prefix) {
        List<Path> out = new ArrayList<>();
        Path lib = prefix.resolve("lib");
        for (Path py : children(lib)) {
            String n = py.getFileName().toString();
            if (!n.startsWith("python3")) continue;
            for (String kind : List.of("site-packages", "dist-packages")) {
                Path s = py.resolve(kind);
                if (Files.isDirectory(s)) out.add(s);
            }
        }
        return out;
    }

    /** Entries of a folder, sorted by name (cu13 before cu12 is handled by the explicit cu13 entry). */
    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) out.add(p);
        } catch (IOException | SecurityException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    /** The output of {@code ldconfig -p}, or "" when it cannot be run within two seconds. */
    private static String ldconfig() {
        for (String exe : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                byte[] bytes = p.getInputStream().readAllBytes();
                if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) return new String(bytes, StandardCharsets.UTF_8);
                p.destroy();
            } catch (IOException | RuntimeException e) {
                // not here: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }
}
