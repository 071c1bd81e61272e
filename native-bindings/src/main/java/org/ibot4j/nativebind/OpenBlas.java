package org.ibot4j.nativebind;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * FFM binding to OpenBLAS's {@code cblas_sgemm} and its thread-count controls, the reference the Vector API
 * GEMM is benchmarked against. The library is looked up lazily on first use; when it is not installed
 * {@link #isAvailable()} answers false and the other calls throw {@link IllegalStateException}.
 * Heap {@code float[]} arrays are passed without copying (critical downcalls over heap segments); every
 * call checks that the matrices it describes lie inside the arrays, so a bad argument is an exception, never
 * a native out-of-bounds access.
 */
public final class OpenBlas {
    /** Where OpenBLAS usually lives on Debian/Ubuntu (plain soname first, then the alternatives paths). */
    public static final List<String> CANDIDATES = List.of(
            "libopenblas.so.0",
            "libopenblas.so",
            "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
            "/etc/alternatives/libopenblas.so.0-x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.so.0",
            "/usr/lib64/libopenblas.so.0");

    private static final int CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112;

    private OpenBlas() {}

    /** The resolved entry points; a binding exists only when all required symbols were found. */
    private record Binding(String library, MethodHandle sgemm, MethodHandle setThreads, MethodHandle getThreads,
                           MethodHandle config) {
        static Binding load() {
            Optional<NativeLibraries.Found> lib = NativeLibraries.find(CANDIDATES);
            if (lib.isEmpty()) return null;
            SymbolLookup syms = lib.get().symbols();
            Linker linker = Linker.nativeLinker();
            var sgemmAddr = syms.find("cblas_sgemm");
            var setAddr = syms.find("openblas_set_num_threads");
            var getAddr = syms.find("openblas_get_num_threads");
            if (sgemmAddr.isEmpty() || setAddr.isEmpty() || getAddr.isEmpty()) return null;
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
            ValueLayout p = ValueLayout.ADDRESS;
            MethodHandle sgemm = linker.downcallHandle(sgemmAddr.get(),
                    FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i),
                    Linker.Option.critical(true));
            MethodHandle set = linker.downcallHandle(setAddr.get(), FunctionDescriptor.ofVoid(i));
            MethodHandle get = linker.downcallHandle(getAddr.get(), FunctionDescriptor.of(i));
            MethodHandle config = syms.find("openblas_get_config")
                    .map(a -> linker.downcallHandle(a, FunctionDescriptor.of(p))).orElse(null);
            return new Binding(lib.get().name(), sgemm, set, get, config);
        }
    }

    /** Lazy holder: the library is searched for once, on first use of the binding. */
    private static final class Holder {
        static final Binding BINDING = loadQuietly();

        private static Binding loadQuietly() {
            try {
                return Binding.load();
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }
    }

    /** Whether libopenblas was found and its entry points bound. */
    public static boolean isAvailable() { return Holder.BINDING != null; }

    /** The library name or path that was loaded. */
    public static String libraryName() { return binding().library(); }

    /** OpenBLAS's build description (version, target core, threading), or "unknown" when the library lacks it. */
    public static String config() {
        Binding b = binding();
        if (b.config() == null) return "unknown";
        try {
            MemorySegment s = (MemorySegment) b.config().invokeExact();
            return s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets the number of threads OpenBLAS uses for subsequent calls (process-wide). */
    public static void setNumThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("OpenBLAS thread count must be >= 1, got " + threads);
        try {
            binding().setThreads().invokeExact(threads);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The number of threads OpenBLAS currently uses. */
    public static int getNumThreads() {
        try {
            return (int) binding().getThreads().invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Row-major {@code cblas_sgemm}: C = alpha·op(A)·op(B) + beta·C with op(A) M×K (A stored K×M when transA)
     * and op(B) K×N (B stored N×K when transB); lda/ldb/ldc are the stored row strides, offsets in elements.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        Binding bind = binding();
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        if (m == 0 || n == 0) return;
        checkMatrix("A", a, aOff, transA ? k : m, transA ? m : k, lda, k > 0);
        checkMatrix("B", b, bOff, transB ? n : k, transB ? k : n, ldb, k > 0);
        checkMatrix("C", c, cOff, m, n, ldc, true);
        try {
            bind.sgemm().invokeExact(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
                    transB ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, alpha,
                    slice(a, aOff), Math.max(1, lda), slice(b, bOff), Math.max(1, ldb), beta, slice(c, cOff), ldc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment slice(float[] x, int off) {
        return MemorySegment.ofArray(x).asSlice((long) off * Float.BYTES);
    }

    private static void checkMatrix(String name, float[] x, int off, int rows, int cols, int ld, boolean used) {
        if (!used || rows == 0 || cols == 0) {
            if (x == null) throw new IllegalArgumentException(name + " is null");
            return;
        }
        if (x == null) throw new IllegalArgumentException(name + " is null");
        if (ld < cols) throw new IllegalArgumentException(name + ": leading dimension " + ld + " < row width " + cols);
        if (off < 0) throw new IllegalArgumentException(name + ": negative offset " + off);
        long last = off + (long) (rows - 1) * ld + cols;
        if (last > x.length)
            throw new IllegalArgumentException(name + ": " + rows + "x" + cols + " (ld " + ld + ", offset " + off
                    + ") needs " + last + " elements but the array has " + x.length);
    }

    private static Binding binding() {
        Binding b = Holder.BINDING;
        if (b == null) throw new IllegalStateException("OpenBLAS is not available (looked for " + CANDIDATES + ")");
        return b;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("OpenBLAS call failed", t);
    }
}
