package org.ibot4j.runtime.backend;

import java.util.function.Supplier;
import org.ibot4j.runtime.backend.cpu.CpuBackend;

/**
 * Picks the backend ops run on. The default is the Vector API CPU backend with all cores; tests switch to
 * the scalar reference with {@link #with(Backend, Supplier)} to compare whole ops kernel-for-kernel.
 */
public final class Backends {
    private static volatile Backend current = CpuBackend.vector(Runtime.getRuntime().availableProcessors());
    private static final ThreadLocal<Backend> OVERRIDE = new ThreadLocal<>();

    private Backends() {}

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
