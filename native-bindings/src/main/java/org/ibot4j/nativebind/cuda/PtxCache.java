package org.ibot4j.nativebind.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled PTX keyed by target architecture (e.g. {@code sm_90}), compile options and the SHA-256 of the
 * source: in memory always, and on disk under {@code dir/<arch>/<sha256>.ptx} when a folder is given
 * (by default {@code ~/.cache/ibot4j/ptx/nvrtc-<version>}, changed with {@code -Dibot4j.cuda.ptxcache=<folder>} or turned
 * off with {@code =off}). Disk entries are written atomically; an unreadable one is recompiled.
 */
public final class PtxCache {
    /** Turns source into PTX for an architecture; {@link Nvrtc} by default, a fake in tests. */
    @FunctionalInterface
    public interface Compiler {
        String compile(String source, String name, String arch);
    }

    private final Compiler compiler;
    private final Path dir;
    private final Map<String, String> memory = new ConcurrentHashMap<>();
    private volatile int compilations;

    public PtxCache(Compiler compiler, Path dir) {
        this.compiler = compiler;
        this.dir = dir;
    }

    /** The NVRTC-backed cache with the folder from the setting (or the default). */
    public static PtxCache nvrtc() {
        String setting = System.getProperty("ibot4j.cuda.ptxcache");
        Path dir;
        if ("off".equalsIgnoreCase(setting)) dir = null;
        else if (setting != null && !setting.isBlank()) dir = Path.of(setting);
        else dir = Path.of(System.getProperty("user.home", "/tmp"), ".cache", "ibot4j", "ptx");
        if (dir != null && Nvrtc.isLoaded()) {  // PTX of a newer NVRTC may not load on an older driver: one folder each
            int[] v = Nvrtc.version();
            dir = dir.resolve("nvrtc-" + v[0] + "." + v[1]);
        }
        return new PtxCache((src, name, arch) -> Nvrtc.compile(src, name,
                List.of("--gpu-architecture=" + arch.replace("sm_", "compute_"), "--std=c++17")), dir);
    }

    /** The cache key: architecture and the SHA-256 of the source, hex. */
    public static String key(String arch, String source) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return arch + "/" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PTX for {@code source} on {@code arch}, compiling only on the first request (per process or folder). */
    public String get(String source, String name, String arch) {
        String key = key(arch, source);
        return memory.computeIfAbsent(key, k -> loadOrCompile(k, source, name, arch));
    }

    /** How many times the compiler ran (cache misses in memory and on disk). */
    public int compilations() { return compilations; }

    private String loadOrCompile(String key, String source, String name, String arch) {
        Path file = dir == null ? null : dir.resolve(key + ".ptx");
        if (file != null && Files.isRegularFile(file)) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                // fall through and recompile
            }
        }
        compilations++;
        String ptx = compiler.compile(source, name, arch);
        if (file != null) {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), "ptx", ".tmp");
                Files.writeString(tmp, ptx);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UnsupportedOperationException e) {
                // the disk cache is an optimisation: keep the in-memory entry
            }
        }
        return ptx;
    }
}
