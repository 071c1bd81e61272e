package org.ibot4j.nativebind;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.List;
import java.util.Optional;

/**
 * Finds shared libraries for the FFM bindings. A library that is not installed is a normal state: the lookup
 * answers empty and the binding reports itself unavailable; nothing here throws for a missing library.
 * Libraries found are loaded into the global arena and stay loaded for the life of the process.
 */
public final class NativeLibraries {
    private NativeLibraries() {}

    /**
     * The first of {@code candidates} (sonames such as {@code libopenblas.so.0}, resolved by the dynamic
     * linker's search path, or absolute paths) that loads, or empty when none does.
     */
    public static Optional<Found> find(List<String> candidates) {
        for (String name : candidates) {
            try {
                return Optional.of(new Found(name, SymbolLookup.libraryLookup(name, Arena.global())));
            } catch (IllegalArgumentException | IllegalCallerException | UnsatisfiedLinkError notHere) {
                // not installed under this name, or native access is not enabled: try the next one
            }
        }
        return Optional.empty();
    }

    /** A loaded library: the name that worked and its symbols. */
    public record Found(String name, SymbolLookup symbols) {}
}
