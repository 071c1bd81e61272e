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
 * A cuBLAS handle and FFM downcalls to {@code libcublas} ({@code cublasCreate_v2}, {@code cublasSgemm_v2},
 * {@code cublasSgemmStridedBatched}, {@code cublasGemmEx}, {@code cublasGemmStridedBatchedEx}). The C calls
 * are column-major, as in cuBLAS; {@link #sgemmRowMajor} and {@link #gemmExRowMajor} state row-major
 * products through the usual transpose identity (row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ).
 * Matrices are device pointers; alpha and beta are host scalars (the default pointer mode).
 * Every status other than {@code CUBLAS_STATUS_SUCCESS} throws {@link CudaException} with its name.
 * A handle belongs to the context current when it was created; make that context current before each use.
 */
public final class Cublas implements AutoCloseable {
    /** cublasOperation_t. */
    public static final int OP_N = 0, OP_T = 1;
    /** cublasMath_t. */
    public static final int DEFAULT_MATH = 0, PEDANTIC_MATH = 2, TF32_TENSOR_OP_MATH = 3;
    /** cudaDataType_t (library_types.h). */
    public static final int R_32F = 0, R_16F = 2, R_16BF = 14;
    /** cublasComputeType_t. */
    public static final int COMPUTE_32F = 68, COMPUTE_32F_PEDANTIC = 69, COMPUTE_32F_FAST_16F = 74,
            COMPUTE_32F_FAST_16BF = 75, COMPUTE_32F_FAST_TF32 = 77;
    /** cublasGemmAlgo_t: let cuBLAS choose. */
    public static final int GEMM_DEFAULT = -1;

    static final class Binding {
        final String library;
        final MethodHandle create, destroy, setStream, setMathMode, getStatusName, getVersion,
                sgemm, sgemmStridedBatched, gemmEx, gemmStridedBatchedEx;

        Binding(String library, Symbols s) {
            this.library = library;
            FunctionDescriptor iPP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
            create = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasCreate_v2");
            destroy = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasDestroy_v2");
            setStream = s.bind(iPP, "cublasSetStream_v2");
            setMathMode = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cublasSetMathMode");
            getStatusName = s.optional(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cublasGetStatusName");
            getVersion = s.bind(iPP, "cublasGetVersion_v2");
            sgemm = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), "cublasSgemm_v2");
            sgemmStridedBatched = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG,
                    JAVA_INT, JAVA_LONG, JAVA_INT), "cublasSgemmStridedBatched");
            gemmEx = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
                    JAVA_INT, JAVA_INT, JAVA_INT), "cublasGemmEx");
            gemmStridedBatchedEx = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT,
                    JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT),
                    "cublasGemmStridedBatchedEx");
        }
    }

    record Loaded(Binding binding, String reason) {}

    private static final class Holder {
        static final Loaded LOADED = load();

        private static Loaded load() {
            try {
                CudaLibraries.Lookup lookup = CudaLibraries.load(CudaLibraries.Library.CUBLAS);
                if (lookup.found().isEmpty()) return new Loaded(null, lookup.describe());
                var f = lookup.found().get();
                return new Loaded(new Binding(f.name(), new Symbols(f.name(), f.symbols())), null);
            } catch (Throwable t) {
                return new Loaded(null, "libcublas could not be bound: " + t);
            }
        }
    }

    /** Whether libcublas loaded with every entry point used here. Never throws. */
    public static boolean isLoaded() { return Holder.LOADED.binding() != null; }

    /** Why cuBLAS is not usable, or null. */
    public static String unavailableReason() { return Holder.LOADED.reason(); }

    private static Binding b() {
        Binding b = Holder.LOADED.binding();
        if (b == null) throw new IllegalStateException("cuBLAS is not available: " + Holder.LOADED.reason());
        return b;
    }

    /** The library path or soname that was loaded. */
    public static String libraryName() { return b().library; }

    /** cuBLAS's name for a status (cublasGetStatusName when present, else the cublas_api.h table). */
    public static String statusName(int status) {
        Binding b = Holder.LOADED.binding();
        if (b == null || b.getStatusName == null) return ErrorNames.cublas(status);
        try {
            MemorySegment s = (MemorySegment) b.getStatusName.invokeExact(status);
            return s.equals(MemorySegment.NULL) ? ErrorNames.cublas(status) : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return ErrorNames.cublas(status);
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) throw new CudaException("cublas", rc, statusName(rc), call);
    }

    private final MemorySegment handle;
    private boolean closed;

    private Cublas(MemorySegment handle) { this.handle = handle; }

    /** Creates a handle in the context current on this thread. */
    public static Cublas create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) b().create.invokeExact(out), "cublasCreate_v2");
            return new Cublas(out.get(ADDRESS, 0));
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** cuBLAS version as major*10000 + minor*100 + patch. */
    public int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) b().getVersion.invokeExact(handle, out), "cublasGetVersion_v2");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Work submitted through this handle goes to {@code stream} (NULL = default stream). */
    public void setStream(MemorySegment stream) {
        try { check((int) b().setStream.invokeExact(handle, stream), "cublasSetStream_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** One of {@link #DEFAULT_MATH}, {@link #PEDANTIC_MATH}, {@link #TF32_TENSOR_OP_MATH}. */
    public void setMathMode(int mode) {
        try { check((int) b().setMathMode.invokeExact(handle, mode), "cublasSetMathMode"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Column-major {@code cublasSgemm_v2}: C = alpha·op(A)·op(B) + beta·C, op(A) m×k, op(B) k×n. */
    public void sgemm(int opA, int opB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) b().sgemm.invokeExact(handle, opA, opB, m, n, k, ar.allocateFrom(JAVA_FLOAT, alpha), a, lda,
                    b, ldb, ar.allocateFrom(JAVA_FLOAT, beta), c, ldc), "cublasSgemm_v2");
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Column-major {@code cublasSgemmStridedBatched}; strides in elements. */
    public void sgemmStridedBatched(int opA, int opB, int m, int n, int k, float alpha, long a, int lda, long strideA,
                                    long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) b().sgemmStridedBatched.invokeExact(handle, opA, opB, m, n, k, ar.allocateFrom(JAVA_FLOAT, alpha),
                    a, lda, strideA, b, ldb, strideB, ar.allocateFrom(JAVA_FLOAT, beta), c, ldc, strideC, batch),
                    "cublasSgemmStridedBatched");
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /**
     * Column-major {@code cublasGemmEx} with float alpha/beta (compute types 32F*): A and B of type
     * {@code abType} ({@link #R_32F}, {@link #R_16BF}, {@link #R_16F}), C of type {@code cType}, e.g.
     * TF32: (R_32F, R_32F, COMPUTE_32F_FAST_TF32); BF16: (R_16BF, R_32F, COMPUTE_32F).
     */
    public void gemmEx(int opA, int opB, int m, int n, int k, float alpha, long a, int abType, int lda, long b, int ldb,
                       float beta, long c, int cType, int ldc, int computeType) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) b().gemmEx.invokeExact(handle, opA, opB, m, n, k, ar.allocateFrom(JAVA_FLOAT, alpha), a, abType,
                    lda, b, abType, ldb, ar.allocateFrom(JAVA_FLOAT, beta), c, cType, ldc, computeType, GEMM_DEFAULT),
                    "cublasGemmEx");
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Column-major {@code cublasGemmStridedBatchedEx}, types as in {@link #gemmEx}; strides in elements. */
    public void gemmStridedBatchedEx(int opA, int opB, int m, int n, int k, float alpha, long a, int abType, int lda,
                                     long strideA, long b, int ldb, long strideB, float beta, long c, int cType, int ldc,
                                     long strideC, int batch, int computeType) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) b().gemmStridedBatchedEx.invokeExact(handle, opA, opB, m, n, k, ar.allocateFrom(JAVA_FLOAT, alpha),
                    a, abType, lda, strideA, b, abType, ldb, strideB, ar.allocateFrom(JAVA_FLOAT, beta), c, cType, ldc,
                    strideC, batch, computeType, GEMM_DEFAULT), "cublasGemmStridedBatchedEx");
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /**
     * Row-major SGEMM as the CPU backends state it: C(m×n) = alpha·op(A)·op(B) + beta·C with row strides
     * lda/ldb/ldc, mapped onto the column-major call by swapping the operands.
     */
    public void sgemmRowMajor(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
                              long b, int ldb, float beta, long c, int ldc) {
        sgemm(transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
    }

    /** Row-major strided batched SGEMM (strides in elements), as {@link #sgemmRowMajor}. */
    public void sgemmStridedBatchedRowMajor(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                            long a, int lda, long strideA, long b, int ldb, long strideB,
                                            float beta, long c, int ldc, long strideC) {
        sgemmStridedBatched(transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, alpha, b, ldb, strideB, a, lda, strideA,
                beta, c, ldc, strideC, batch);
    }

    /** Row-major {@link #gemmEx}. */
    public void gemmExRowMajor(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int abType,
                               int lda, long b, int ldb, float beta, long c, int cType, int ldc, int computeType) {
        gemmEx(transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, alpha, b, abType, ldb, a, lda, beta, c, cType, ldc,
                computeType);
    }

    /** Row-major {@link #gemmStridedBatchedEx}. */
    public void gemmStridedBatchedExRowMajor(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                             long a, int abType, int lda, long strideA, long b, int ldb, long strideB,
                                             float beta, long c, int cType, int ldc, long strideC, int computeType) {
        gemmStridedBatchedEx(transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, alpha, b, abType, ldb, strideB, a, lda,
                strideA, beta, c, cType, ldc, strideC, batch, computeType);
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        try { check((int) b().destroy.invokeExact(handle), "cublasDestroy_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }
}
