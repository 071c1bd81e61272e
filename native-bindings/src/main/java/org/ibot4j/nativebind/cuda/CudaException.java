package org.ibot4j.nativebind.cuda;

/**
 * A failed CUDA driver, cuBLAS or NVRTC call: which library, the numeric status, the library's name for it
 * (for example {@code CUDA_ERROR_OUT_OF_MEMORY}, {@code CUBLAS_STATUS_INVALID_VALUE}, {@code NVRTC_ERROR_COMPILATION})
 * and the entry point that returned it.
 */
public final class CudaException extends RuntimeException {
    private final String library;
    private final int code;
    private final String errorName;
    private final String call;

    public CudaException(String library, int code, String errorName, String call) {
        this(library, code, errorName, call, null);
    }

    /** With {@code detail} (for example an NVRTC compile log) appended to the message. */
    public CudaException(String library, int code, String errorName, String call, String detail) {
        super(library + " call " + call + " failed: " + errorName + " (" + code + ")"
                + (detail == null || detail.isBlank() ? "" : "\n" + detail));
        this.library = library;
        this.code = code;
        this.errorName = errorName;
        this.call = call;
    }

    /** "cuda", "cublas" or "nvrtc". */
    public String library() { return library; }

    /** The numeric status the call returned. */
    public int code() { return code; }

    /** The library's symbolic name for {@link #code()}. */
    public String errorName() { return errorName; }

    /** The C entry point that failed, e.g. {@code cuMemAlloc_v2}. */
    public String call() { return call; }
}
