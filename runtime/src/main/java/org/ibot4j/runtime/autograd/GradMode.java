package org.ibot4j.runtime.autograd;

/**
 * Whether ops record the autograd graph on this thread. Use {@code try (var g = GradMode.noGrad()) {...}}
 * for teacher and evaluation forwards: nothing is recorded, so no activation is kept alive.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() { return ENABLED.get()[0]; }

    /** A scope with gradient recording disabled; restores the previous state on close. */
    public static Scope noGrad() { return set(false); }

    /** A scope with gradient recording enabled (e.g. inside a no-grad region). */
    public static Scope enableGrad() { return set(true); }

    private static Scope set(boolean on) {
        boolean[] cell = ENABLED.get();
        boolean previous = cell[0];
        cell[0] = on;
        return () -> cell[0] = previous;
    }

    /** A closeable scope that cannot throw. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override void close();
    }
}
