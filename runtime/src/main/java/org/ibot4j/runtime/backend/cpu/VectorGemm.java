package org.ibot4j.runtime.backend.cpu;

import static org.ibot4j.runtime.backend.cpu.GemmMicroKernel.L;
import static org.ibot4j.runtime.backend.cpu.GemmMicroKernel.MR;
import static org.ibot4j.runtime.backend.cpu.GemmMicroKernel.NR;

import java.util.concurrent.ForkJoinTask;

/**
 * Packed, register-tiled, multi-threaded Vector API SGEMM in the GotoBLAS/BLIS style. For each KC-deep slice
 * of K and NC-wide slice of N a thread packs op(B) into NR-wide strips; the {@link GemmMicroKernel} then
 * sweeps MR×NR tiles of C, one MR-row strip of A (L1/L2-resident) against every B strip of the block (L2/L3).
 * A row-major A is read in place, a strip being MR rows where they lie (measured 5-30% faster than packing
 * it, most for the small attention products); a transposed A is packed into MR-tall strips, MC rows at a
 * time, as is the last strip of fewer than MR rows.
 *
 * <p>Threads own disjoint, MR- (or NR-) aligned row (or column) ranges of C and the K slicing does not depend
 * on them, so every element of C is computed by the same sequence of operations whatever the thread count:
 * results are bit-identical run to run and across thread counts. Small or thin products go to
 * {@link GemmDirect}; batches of small products are spread over threads one whole product per task. A call
 * made from inside a fork-join worker runs on that thread alone (no nested fork-joins, and the per-thread
 * scratch buffers are never shared).
 *
 * <p>Block sizes can be overridden for tuning with the system properties {@code ibot4j.gemm.kc},
 * {@code ibot4j.gemm.mc} and {@code ibot4j.gemm.nc}.
 */
public final class VectorGemm implements Gemm {
    /**
     * Depth of a K slice. Deep, because every extra slice is another read-modify-write pass over C: on Zen 4
     * one pass over K up to 1536 measured 5-15% faster than 512-deep slices, although the A strip then
     * overflows L1 (its 6 broadcasts a step are cheap to stream from L2).
     */
    static final int KC = Integer.getInteger("ibot4j.gemm.kc", 1536);
    /** Rows of a transposed A packed at a time; a multiple of MR. */
    static final int MC = roundUp(Integer.getInteger("ibot4j.gemm.mc", 144), MR);
    /** Width of a packed B block (KC×NC, streamed once per A strip); a multiple of NR. */
    static final int NC = roundUp(Integer.getInteger("ibot4j.gemm.nc", 768), NR);
    /** Below this many multiply-adds a fork-join costs more than the second thread saves. */
    static final long PARALLEL_MIN_FMAS = 1L << 18;
    /** Below this many multiply-adds packing does not pay off. */
    static final long DIRECT_MAX_FMAS = 1L << 14;
    /**
     * Batched products smaller than this run one whole product per task rather than threading each; larger
     * ones too when the batch divides evenly over the threads.
     */
    static final long BATCH_SPLIT_MAX_FMAS = 1L << 23;

    private final Parallel parallel;

    public VectorGemm(Parallel parallel) { this.parallel = parallel; }

    @Override public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        product(threadsFor((long) m * n * k), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override public void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                       float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                                       float beta, float[] c, int cOff, int strideC, int ldc) {
        if (batch < 0) throw new IllegalArgumentException("sgemmBatched: negative batch " + batch);
        if (strideA < 0 || strideB < 0 || strideC < 0)
            throw new IllegalArgumentException("sgemmBatched: negative stride (A " + strideA + ", B " + strideB + ", C " + strideC + ")");
        if (batch == 0 || m == 0 || n == 0) return;
        int last = batch - 1;
        GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        GemmArgs.check(transA, transB, m, n, k, a, aOff + last * strideA, lda, b, bOff + last * strideB, ldb,
                c, cOff + last * strideC, ldc);
        long fmas = (long) m * n * k;
        int threads = threadsFor(fmas * batch);
        boolean disjointC = strideC >= (long) (m - 1) * ldc + n;
        boolean evenSplit = batch % threads == 0 || batch >= 8 * threads;
        if (threads > 1 && batch > 1 && disjointC && (fmas < BATCH_SPLIT_MAX_FMAS || evenSplit)) {
            parallel.forChunks(batch, Math.min(threads, batch), (b0, b1) -> {
                for (int i = b0; i < b1; i++)
                    product(1, transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                            beta, c, cOff + i * strideC, ldc);
            });
            return;
        }
        int each = threadsFor(fmas);
        for (int i = 0; i < batch; i++)
            product(each, transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    beta, c, cOff + i * strideC, ldc);
    }

    /** Threads worth using for this much work; 1 inside a pool worker (nested calls never fork). */
    private int threadsFor(long fmas) {
        if (parallel.threads() == 1 || fmas < PARALLEL_MIN_FMAS || ForkJoinTask.inForkJoinPool()) return 1;
        return parallel.threads();
    }

    /** One checked product on up to {@code threads} threads. */
    private void product(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) { scale(m, n, beta, c, cOff, ldc); return; }
        long fmas = (long) m * n * k;
        if (fmas <= DIRECT_MAX_FMAS || n < GemmMicroKernel.L / 2 || m < 2) {
            int rowsPerTask = (int) Math.max(1, PARALLEL_MIN_FMAS / Math.max(1L, (long) n * k));
            int chunks = threads == 1 ? 1 : Math.min(threads, Math.max(1, m / rowsPerTask));
            parallel.forChunks(m, chunks, (i0, i1) -> GemmDirect.rows(transA, transB, i0, i1, n, k, alpha, a, aOff, lda,
                    b, bOff, ldb, beta, c, cOff, ldc, GemmScratch.get().row(Math.max(n, k))));
            return;
        }
        int mTiles = ceilDiv(m, MR), nTiles = ceilDiv(n, NR);
        if (threads == 1) {
            blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (mTiles >= nTiles || mTiles >= 4 * threads) {
            // Row ranges: each thread reads its own rows of A. (Column ranges, which halve the B packing,
            // measured slower: every thread then streams all of A.)
            parallel.forChunks(mTiles, Math.min(threads, mTiles), (t0, t1) -> blocked(transA, transB,
                    t0 * MR, Math.min(m, t1 * MR), 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        } else {
            parallel.forChunks(nTiles, Math.min(threads, nTiles), (t0, t1) -> blocked(transA, transB,
                    0, m, t0 * NR, Math.min(n, t1 * NR), k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        }
    }

    /** C[i0,i1)×[j0,j1) on the calling thread, through the micro-kernel. i0 is MR-aligned, j0 NR-aligned. */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        GemmScratch scratch = GemmScratch.get();
        int kcStep = balanced(k, KC, 1), mcStep = balanced(i1 - i0, MC, MR), ncStep = balanced(j1 - j0, NC, NR);
        boolean inPlaceA = !transA;
        float[] ap = scratch.packedA(MR * kcStep * (inPlaceA ? 1 : ceilDiv(mcStep, MR)));
        float[] bp = scratch.packedB(roundUp(ncStep, NR) * kcStep);
        for (int jc = j0; jc < j1; jc += ncStep) {
            int nc = Math.min(ncStep, j1 - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                float betaHere = pc == 0 ? beta : 1f;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += mcStep) {
                    int mc = Math.min(mcStep, i1 - ic), whole = inPlaceA ? mc - mc % MR : 0;
                    if (whole > 0) // row-major A: the kernel reads whole MR-row strips where they lie
                        macroKernel(kc, whole, nc, alpha, betaHere, a, aOff + ic * lda + pc, lda, 1, lda,
                                bp, c, cOff + ic * ldc + jc, ldc, scratch.tile);
                    if (whole < mc) {
                        GemmPacking.packA(transA, a, aOff, lda, ic + whole, mc - whole, pc, kc, ap);
                        macroKernel(kc, mc - whole, nc, alpha, betaHere, ap, 0, kc, MR, 1,
                                bp, c, cOff + (ic + whole) * ldc + jc, ldc, scratch.tile);
                    }
                }
            }
        }
    }

    /**
     * All MR×NR tiles of an mc×nc block of C from A (row r, step p of the strip starting at row ir lies at
     * {@code a[aOff + ir·stripA + p·stepA + r·rowA]}) and packed B (kc×nc). Row strips outside, column strips
     * inside: the A strip stays in L1 while the B block streams from L2/L3, and C is walked along its rows.
     */
    private static void macroKernel(int kc, int mc, int nc, float alpha, float beta,
                                    float[] a, int aOff, int stripA, int stepA, int rowA, float[] bp,
                                    float[] c, int cOff, int ldc, float[] tile) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir), ai = aOff + ir * stripA;
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr), co = cOff + ir * ldc + jr;
                boolean narrow = cols <= L;
                if (rows == MR && cols == (narrow ? L : NR)) {
                    if (narrow) GemmMicroKernel.kernelNarrow(kc, a, ai, stepA, rowA, bp, jr * kc, c, co, ldc, alpha, beta);
                    else GemmMicroKernel.kernel(kc, a, ai, stepA, rowA, bp, jr * kc, c, co, ldc, alpha, beta);
                } else {
                    // Overhanging tile: compute it whole into the staging tile, write back the part inside C.
                    if (narrow) GemmMicroKernel.kernelNarrow(kc, a, ai, stepA, rowA, bp, jr * kc, tile, 0, NR, 1f, 0f);
                    else GemmMicroKernel.kernel(kc, a, ai, stepA, rowA, bp, jr * kc, tile, 0, NR, 1f, 0f);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < cols; j++) {
                            int ci = co + r * ldc + j;
                            c[ci] = GemmDirect.combine(tile[r * NR + j], alpha, beta, c[ci]);
                        }
                }
            }
        }
    }

    /** C = beta·C (zeros when beta is 0, whatever C held). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
            else for (int j = 0; j < n; j++) c[ci + j] *= beta;
        }
    }

    /** The step that splits {@code total} into the fewest pieces of at most {@code max}, as even as {@code unit} allows. */
    private static int balanced(int total, int max, int unit) {
        int pieces = Math.max(1, ceilDiv(total, max));
        return roundUp(ceilDiv(total, pieces), unit);
    }

    private static int ceilDiv(int x, int y) { return (x + y - 1) / y; }

    private static int roundUp(int x, int unit) { return ceilDiv(x, unit) * unit; }
}
