package org.ibot4j.nativebind.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * FFM downcalls to NVRTC ({@code libnvrtc}): compiles CUDA C source to PTX at run time. A failed compile
 * throws {@link CudaException} ({@code NVRTC_ERROR_COMPILATION}) whose message carries the compiler log.
 * Use {@link PtxCache} to compile each (architecture, source) once.
 */
public final class Nvrtc {
    private Nvrtc() {}

    static final class Binding {
        final String library;
        final MethodHandle create, compile, ptxSize, ptx, logSize, log, destroy, errorString, version;

        Binding(String library, Symbols s) {
            this.library = library;
            create = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS),
                    "nvrtcCreateProgram");
            compile = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), "nvrtcCompileProgram");
            ptxSize = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetPTXSize");
            ptx = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetPTX");
            logSize = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetProgramLogSize");
            log = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetProgramLog");
            destroy = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS), "nvrtcDestroyProgram");
            errorString = s.bind(FunctionDescriptor.of(ADDRESS, JAVA_INT), "nvrtcGetErrorString");
            version = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcVersion");
        }
    }

    record Loaded(Binding binding, String reason) {}

    private static final class Holder {
        static final Loaded LOADED = load();

        private static Loaded load() {
            try {
                CudaLibraries.Lookup lookup = CudaLibraries.load(CudaLibraries.Library.NVRTC);
                if (lookup.found().isEmpty()) return new Loaded(null, lookup.describe());
                var f = lookup.found().get();
                return new Loaded(new Binding(f.name(), new Symbols(f.name(), f.symbols())), null);
            } catch (Throwable t) {
                return new Loaded(null, "libnvrtc could not be bound: " + t);
            }
        }
    }

    /** Whether libnvrtc loaded. Never throws. */
    public static boolean isLoaded() { return Holder.LOADED.binding() != null; }

    /** Why NVRTC is not usable, or null. */
    public static String unavailableReason() { return Holder.LOADED.reason(); }

    private static Binding b() {
        Binding b = Holder.LOADED.binding();
        if (b == null) throw new IllegalStateException("NVRTC is not available: " + Holder.LOADED.reason());
        return b;
    }

    public static String libraryName() { return b().library; }

    /** NVRTC's name for a result (nvrtcGetErrorString when loaded, else the nvrtc.h table). */
    public static String errorName(int rc) {
        Binding b = Holder.LOADED.binding();
        if (b == null) return ErrorNames.nvrtc(rc);
        try {
            MemorySegment s = (MemorySegment) b.errorString.invokeExact(rc);
            return s.equals(MemorySegment.NULL) ? ErrorNames.nvrtc(rc) : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return ErrorNames.nvrtc(rc);
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) throw new CudaException("nvrtc", rc, errorName(rc), call);
    }

    /** {major, minor} of the loaded NVRTC. */
    public static int[] version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(JAVA_INT), minor = a.allocate(JAVA_INT);
            check((int) b().version.invokeExact(major, minor), "nvrtcVersion");
            return new int[]{major.get(JAVA_INT, 0), minor.get(JAVA_INT, 0)};
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /**
     * Compiles {@code source} (named {@code name} in diagnostics) with {@code options}, e.g.
     * {@code --gpu-architecture=compute_90}, and returns the PTX text.
     */
    public static String compile(String source, String name, List<String> options) {
        Binding b = b();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment progOut = a.allocate(ADDRESS);
            check((int) b.create.invokeExact(progOut, a.allocateFrom(source), a.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment prog = progOut.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                int rc = (int) b.compile.invokeExact(prog, options.size(), opts);
                if (rc != 0) throw new CudaException("nvrtc", rc, errorName(rc), "nvrtcCompileProgram(" + name + ")",
                        programLog(b, a, prog));
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) b.ptxSize.invokeExact(prog, size), "nvrtcGetPTXSize");
                MemorySegment buf = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
                check((int) b.ptx.invokeExact(prog, buf), "nvrtcGetPTX");
                return buf.getString(0);
            } finally {
                int ignored = (int) b.destroy.invokeExact(progOut);
            }
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    private static String programLog(Binding b, Arena a, MemorySegment prog) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) b.logSize.invokeExact(prog, size) != 0) return "";
        long n = size.get(JAVA_LONG, 0);
        if (n <= 1) return "";
        MemorySegment buf = a.allocate(n);
        if ((int) b.log.invokeExact(prog, buf) != 0) return "";
        return buf.getString(0);
    }
}
