package org.ibot4j.runtime.backend.cpu;

/**
 * One thread's reusable GEMM buffers: the packed A block, the packed B block, an edge tile and a row buffer.
 * Held per thread (see {@link #get()}), grown on demand and never shrunk, so steady-state calls allocate nothing.
 */
final class GemmScratch {
    private static final ThreadLocal<GemmScratch> PER_THREAD = ThreadLocal.withInitial(GemmScratch::new);

    private float[] a = new float[0], b = new float[0], row = new float[0];
    /** Staging for tiles that overhang the matrix edge: MR×NR, row stride NR. */
    final float[] tile = new float[GemmMicroKernel.MR * GemmMicroKernel.NR];

    private GemmScratch() {}

    /** The calling thread's buffers. Only one GEMM body runs on a thread at a time (bodies never fork). */
    static GemmScratch get() { return PER_THREAD.get(); }

    float[] packedA(int size) { if (a.length < size) a = new float[size]; return a; }

    float[] packedB(int size) { if (b.length < size) b = new float[size]; return b; }

    float[] row(int size) { if (row.length < size) row = new float[size]; return row; }
}
