package org.ibot4j.nativebind.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A minimal cuBLASLt binding ({@code libcublasLt}): one handle and {@code cublasLtMatmul} with per-call
 * descriptors (compute type, transposes, matrix layouts, optional strided batch), letting cuBLASLt pick the
 * algorithm (null algo, its implicit heuristic) within a caller-given workspace. Column-major as the C API;
 * {@link #matmulRowMajor} states the row-major product the backends use. Statuses other than success throw
 * {@link CudaException} with the cuBLAS status name. Epilogues (bias, GELU) are not bound yet.
 */
public final class CublasLt implements AutoCloseable {
    /** cublasLtMatmulDescAttributes_t / cublasLtMatrixLayoutAttribute_t values used here (cublasLt.h). */
    static final int DESC_TRANSA = 3, DESC_TRANSB = 4, LAYOUT_BATCH_COUNT = 5, LAYOUT_STRIDED_BATCH_OFFSET = 6;

    static final class Binding {
        final String library;
        final MethodHandle create, destroy, descCreate, descDestroy, descSet, layoutCreate, layoutDestroy, layoutSet,
                matmul, version;

        Binding(String library, Symbols s) {
            this.library = library;
            create = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasLtCreate");
            destroy = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasLtDestroy");
            descCreate = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cublasLtMatmulDescCreate");
            descDestroy = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasLtMatmulDescDestroy");
            descSet = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG),
                    "cublasLtMatmulDescSetAttribute");
            layoutCreate = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                    "cublasLtMatrixLayoutCreate");
            layoutDestroy = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasLtMatrixLayoutDestroy");
            layoutSet = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG),
                    "cublasLtMatrixLayoutSetAttribute");
            matmul = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                    ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS),
                    "cublasLtMatmul");
            version = s.bind(FunctionDescriptor.of(JAVA_LONG), "cublasLtGetVersion");
        }
    }

    record Loaded(Binding binding, String reason) {}

    private static final class Holder {
        static final Loaded LOADED = load();

        private static Loaded load() {
            try {
                CudaLibraries.Lookup lookup = CudaLibraries.load(CudaLibraries.Library.CUBLAS_LT);
                if (lookup.found().isEmpty()) return new Loaded(null, lookup.describe());
                var f = lookup.found().get();
                return new Loaded(new Binding(f.name(), new Symbols(f.name(), f.symbols())), null);
            } catch (Throwable t) {
                return new Loaded(null, "libcublasLt could not be bound: " + t);
            }
        }
    }

    /** Whether libcublasLt loaded. Never throws. */
    public static boolean isLoaded() { return Holder.LOADED.binding() != null; }

    /** Why cuBLASLt is not usable, or null. */
    public static String unavailableReason() { return Holder.LOADED.reason(); }

    private static Binding b() {
        Binding b = Holder.LOADED.binding();
        if (b == null) throw new IllegalStateException("cuBLASLt is not available: " + Holder.LOADED.reason());
        return b;
    }

    public static String libraryName() { return b().library; }

    /** cuBLASLt version (major*10000 + minor*100 + patch). */
    public static long version() {
        try { return (long) b().version.invokeExact(); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    private static void check(int rc, String call) {
        if (rc != 0) throw new CudaException("cublasLt", rc, ErrorNames.cublas(rc), call);
    }

    private final MemorySegment handle;
    private boolean closed;

    private CublasLt(MemorySegment handle) { this.handle = handle; }

    /** Creates a handle (in the context current on this thread). */
    public static CublasLt create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) b().create.invokeExact(out), "cublasLtCreate");
            return new CublasLt(out.get(ADDRESS, 0));
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /**
     * Column-major D = C = alpha·op(A)·op(B) + beta·C with float alpha/beta, {@code batch} products with element
     * strides (batch 1: strides ignored). A/B of {@code abType}, C of {@code cType}, compute type as
     * {@link Cublas#COMPUTE_32F_FAST_TF32} etc. The workspace may be 0 with 0 bytes.
     */
    public void matmul(int opA, int opB, int m, int n, int k, float alpha, long a, int abType, int lda, long strideA,
                       long b, int ldb, long strideB, float beta, long c, int cType, int ldc, long strideC, int batch,
                       int computeType, long workspace, long workspaceBytes, MemorySegment stream) {
        Binding bd = b();
        try (Arena ar = Arena.ofConfined()) {
            MemorySegment descOut = ar.allocate(ADDRESS);
            check((int) bd.descCreate.invokeExact(descOut, computeType, Cublas.R_32F), "cublasLtMatmulDescCreate");
            MemorySegment desc = descOut.get(ADDRESS, 0);
            MemorySegment la = null, lb = null, lc = null;
            try {
                check((int) bd.descSet.invokeExact(desc, DESC_TRANSA, ar.allocateFrom(JAVA_INT, opA), 4L), "cublasLtMatmulDescSetAttribute(TRANSA)");
                check((int) bd.descSet.invokeExact(desc, DESC_TRANSB, ar.allocateFrom(JAVA_INT, opB), 4L), "cublasLtMatmulDescSetAttribute(TRANSB)");
                la = layout(bd, ar, abType, opA == Cublas.OP_N ? m : k, opA == Cublas.OP_N ? k : m, lda, batch, strideA);
                lb = layout(bd, ar, abType, opB == Cublas.OP_N ? k : n, opB == Cublas.OP_N ? n : k, ldb, batch, strideB);
                lc = layout(bd, ar, cType, m, n, ldc, batch, strideC);
                check((int) bd.matmul.invokeExact(handle, desc, ar.allocateFrom(JAVA_FLOAT, alpha), a, la, b, lb,
                        ar.allocateFrom(JAVA_FLOAT, beta), c, lc, c, lc, MemorySegment.NULL, workspace, workspaceBytes, stream),
                        "cublasLtMatmul");
            } finally {
                for (MemorySegment l : new MemorySegment[]{la, lb, lc})
                    if (l != null) { int ignored = (int) bd.layoutDestroy.invokeExact(l); }
                int ignored = (int) bd.descDestroy.invokeExact(desc);
            }
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    private static MemorySegment layout(Binding bd, Arena ar, int type, long rows, long cols, long ld, int batch, long stride)
            throws Throwable {
        MemorySegment out = ar.allocate(ADDRESS);
        check((int) bd.layoutCreate.invokeExact(out, type, rows, cols, ld), "cublasLtMatrixLayoutCreate");
        MemorySegment l = out.get(ADDRESS, 0);
        if (batch > 1) {
            check((int) bd.layoutSet.invokeExact(l, LAYOUT_BATCH_COUNT, ar.allocateFrom(JAVA_INT, batch), 4L),
                    "cublasLtMatrixLayoutSetAttribute(BATCH_COUNT)");
            check((int) bd.layoutSet.invokeExact(l, LAYOUT_STRIDED_BATCH_OFFSET, ar.allocateFrom(JAVA_LONG, stride), 8L),
                    "cublasLtMatrixLayoutSetAttribute(STRIDED_BATCH_OFFSET)");
        }
        return l;
    }

    /** Row-major batched product, mapped onto {@link #matmul} by swapping the operands. */
    public void matmulRowMajor(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha, long a,
                               int abType, int lda, long strideA, long b, int ldb, long strideB, float beta, long c,
                               int cType, int ldc, long strideC, int computeType, long workspace, long workspaceBytes,
                               MemorySegment stream) {
        matmul(transB ? Cublas.OP_T : Cublas.OP_N, transA ? Cublas.OP_T : Cublas.OP_N, n, m, k, alpha, b, abType, ldb,
                strideB, a, lda, strideA, beta, c, cType, ldc, strideC, batch, computeType, workspace, workspaceBytes, stream);
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        try { check((int) b().destroy.invokeExact(handle), "cublasLtDestroy"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }
}
