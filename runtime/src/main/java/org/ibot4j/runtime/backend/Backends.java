package org.ibot4j.runtime.backend;

import java.util.function.Supplier;
import org.ibot4j.runtime.backend.cpu.CpuBackend;

/**
 * Picks the backend ops run on. The default is the Vector API CPU backend with all cores; tests switch to
 * the scalar reference with {@link #with(Backend, Supplier)} to compare whole ops kernel-for-kernel.
 */
public final class Backends {
    private static volatile Backend current = CpuBackend.vector(defaultThreads());
    private static final ThreadLocal<Backend> OVERRIDE = new ThreadLocal<>();

    private Backends() {}

    /**
     * Kernel threads: the system property {@code ibot4j.threads}, else the environment variable
     * {@code IBOT4J_THREADS}, else all cores.
     */
    public static int defaultThreads() {
        String v = System.getProperty("ibot4j.threads", System.getenv("IBOT4J_THREADS"));
        if (v == null || v.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw new IllegalArgumentException("ibot4j.threads / IBOT4J_THREADS must be a positive integer, got '" + v + "'");
    }

    /** Makes the vector CPU backend with {@code threads} threads the process default. */
    public static void setCpuThreads(int threads) { setDefault(CpuBackend.vector(threads)); }

    /** The backend for this thread. */
    public static Backend current() {
        Backend b = OVERRIDE.get();
        return b != null ? b : current;
    }

    /** Sets the process-wide default backend. */
    public static void setDefault(Backend b) { current = b; }

    /** The scalar reference CPU backend (single thread, plain loops). */
    public static Backend reference() { return CpuBackend.scalar(); }

    /** Runs {@code body} with {@code b} as this thread's backend. */
    public static <T> T with(Backend b, Supplier<T> body) {
        Backend prev = OVERRIDE.get();
        OVERRIDE.set(b);
        try { return body.get(); } finally { OVERRIDE.set(prev); }
    }
}
