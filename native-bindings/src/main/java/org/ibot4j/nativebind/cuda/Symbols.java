package org.ibot4j.nativebind.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** Binds named entry points of one loaded library; a missing required symbol is an error naming it. */
final class Symbols {
    private final String library;
    private final SymbolLookup lookup;
    private final Linker linker = Linker.nativeLinker();

    Symbols(String library, SymbolLookup lookup) {
        this.library = library;
        this.lookup = lookup;
    }

    /** The first of {@code names} the library exports, bound to {@code fd}. */
    MethodHandle bind(FunctionDescriptor fd, String... names) {
        MethodHandle h = optional(fd, names);
        if (h == null) throw new IllegalStateException(library + " lacks " + String.join(" / ", names));
        return h;
    }

    /** As {@link #bind} with a critical (heap-segment accepting, no-upcall) downcall. */
    MethodHandle bindCritical(FunctionDescriptor fd, String... names) {
        for (String n : names) {
            var a = lookup.find(n);
            if (a.isPresent()) return linker.downcallHandle(a.get(), fd, Linker.Option.critical(true));
        }
        throw new IllegalStateException(library + " lacks " + String.join(" / ", names));
    }

    /** The first of {@code names} the library exports, or null. */
    MethodHandle optional(FunctionDescriptor fd, String... names) {
        for (String n : names) {
            var a = lookup.find(n);
            if (a.isPresent()) return linker.downcallHandle(a.get(), fd);
        }
        return null;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }
}
