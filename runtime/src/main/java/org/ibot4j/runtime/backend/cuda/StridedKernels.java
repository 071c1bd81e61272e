package org.ibot4j.runtime.backend.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;

/**
 * Launchers of the two generic kernels over strided device views (strided.cu): {@code ibot_map}, one element
 * function of up to three inputs per output element, and {@code ibot_reduce}, a sum or max over some dims.
 *
 * <p><b>Views.</b> Every operand is a device address of float32 data that already includes the tensor's storage
 * offset, plus one element stride per logical dim; a stride of 0 broadcasts that dim. Logical elements are
 * enumerated row-major over the dims. A null stride array means the operand is not used (zeros are packed) and
 * its address is then 0. Rank 0 (a scalar) is the empty dims array.
 *
 * <p><b>Geometry.</b> Before launching, size-1 dims are dropped and adjacent dims that are contiguous for every
 * operand (stride of the outer = stride × size of the inner, for all operands) are merged, so that views of rank
 * above {@value #MAX_RANK} usually fit; the result is packed into the kernels' by-value {@code ibot_geo} struct of
 * {@value #GEO_INTS} ints: {@code rank, n, dims[8], sa[8], sb[8], sc[8], sy[8]}. A view that still has more than
 * {@value #MAX_RANK} dims, or more than {@link Integer#MAX_VALUE} elements, is rejected with
 * IllegalArgumentException. Empty views launch nothing.
 *
 * <p>Launches are asynchronous on the default stream; the device's primary context is made current on the
 * calling thread. Results are deterministic for the fixed block size of {@value #BLOCK} threads.
 */
public final class StridedKernels {
    /** Highest rank the kernels take after merging (IBOT_MAX_RANK in strided.cu). */
    public static final int MAX_RANK = 8;
    /** Ints in the packed geometry struct. */
    static final int GEO_INTS = 2 + 5 * MAX_RANK;
    /** Threads per block of both kernels (the reduction's shared arrays hold exactly this many). */
    static final int BLOCK = 256;
    private static final int MAX_MAP_BLOCKS = 65535 * 8;
    private static final int MAX_REDUCE_BLOCKS = 1 << 20;
    /** Int positions in the packed struct. */
    static final int RANK = 0, N = 1, DIMS = 2, SA = DIMS + MAX_RANK, SB = SA + MAX_RANK, SC = SB + MAX_RANK,
            SY = SC + MAX_RANK;

    private StridedKernels() {}

    /**
     * {@code y[iy] = op(A = a[ia], B = b[ib], C = c[ic]; p)} for every logical element of {@code dims}, where the
     * offsets are the index vector dotted with each operand's strides. Operands {@code op} does not read
     * ({@link MapOp#readsA()} ...) may be 0 with null strides. The output must not map two elements to the
     * same address (no stride 0 in {@code sy} over a dim of size above 1); {@link MapOp#AXPY} reads {@code y}.
     */
    public static void map(MapOp op, float p, int[] dims, long a, int[] sa, long b, int[] sb, long c, int[] sc,
                           long y, int[] sy) {
        if (op == null) throw new IllegalArgumentException("map op is null");
        requireOperand(op, "A", op.readsA(), a, sa);
        requireOperand(op, "B", op.readsB(), b, sb);
        requireOperand(op, "C", op.readsC(), c, sc);
        requireOperand(op, "y", true, y, sy);
        int[] g = geo(dims, sa, sb, sc, sy);
        int n = g[N];
        if (n == 0) return;
        int blocks = (int) Math.min((n + (long) BLOCK - 1) / BLOCK, MAX_MAP_BLOCKS);
        Cuda.makeCurrent();
        CudaDriver.launch(CudaKernels.function("ibot_map"), blocks, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL,
                op.ordinal(), g, a, b, c, y, p);
    }

    /**
     * Reduces {@code x} over the dims {@code redDims} for every element of {@code keptDims}: output {@code k}
     * (row-major over keptDims) reads {@code x} at {@code k·keptXStrides + r·redXStrides} for each reduced index
     * vector {@code r} and writes {@code y} at {@code k·keptYStrides}. Sum: accumulated in double, rounded once
     * to float; an empty reduction gives 0. Max ({@code max = true}): the CPU's rule (the first NaN wins, else the
     * largest, ties to the smallest reduced index); when {@code arg} is not 0 it is an int32 array of the outputs
     * in row-major order over keptDims (dense, not strided like y) that receives the reduced linear index
     * (row-major over redDims) of each max. An empty max reduction is rejected.
     */
    public static void reduce(boolean max, int[] keptDims, int[] keptXStrides, int[] keptYStrides,
                              int[] redDims, int[] redXStrides, long x, long y, long arg) {
        if (keptXStrides == null || keptYStrides == null || redXStrides == null)
            throw new IllegalArgumentException("reduce needs the kept x, kept y and reduced x strides");
        if (x == 0 || y == 0) throw new IllegalArgumentException("reduce needs device addresses for x and y");
        if (arg != 0 && !max) throw new IllegalArgumentException("reduce: arg indices exist only for max");
        int[] kept = geo(keptDims, keptXStrides, null, null, keptYStrides);
        int[] red = geo(redDims, redXStrides, null, null, null);
        if (kept[N] == 0) return;
        if (max && red[N] == 0)
            throw new IllegalArgumentException("max over an empty reduction (reduced dims " + Arrays.toString(redDims) + ")");
        int blocks = Math.min(kept[N], MAX_REDUCE_BLOCKS);
        Cuda.makeCurrent();
        CudaDriver.launch(CudaKernels.function("ibot_reduce"), blocks, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL,
                max ? 1 : 0, kept, red, x, y, arg);
    }

    /**
     * Gather along one axis, {@code y[iy] = x[ix + idx[ii]·axisStride]} for every logical element of {@code dims}:
     * {@code sx} are x's strides with 0 on the gathered axis, {@code sIdx} address the int32 indices at
     * {@code idx} (in range: the caller checks), {@code sy} the output. With {@code scatter} the adjoint runs
     * instead: {@code x[ix + idx[ii]·axisStride] += y[iy]} (x is then the gradient being accumulated, y the incoming
     * one; repeated indices add up in no fixed order).
     */
    public static void gather(boolean scatter, int[] dims, long x, int[] sx, long idx, int[] sIdx, int axisStride,
                              long y, int[] sy) {
        if (x == 0 || idx == 0 || y == 0 || sx == null || sIdx == null || sy == null)
            throw new IllegalArgumentException("gather needs x, idx and y with their strides");
        int[] g = geo(dims, sx, sIdx, null, sy);
        int n = g[N];
        if (n == 0) return;
        int blocks = (int) Math.min((n + (long) BLOCK - 1) / BLOCK, MAX_MAP_BLOCKS);
        Cuda.makeCurrent();
        if (scatter)
            CudaDriver.launch(CudaKernels.function("ibot_scatter_add"), blocks, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL,
                    g, y, idx, x, axisStride);
        else
            CudaDriver.launch(CudaKernels.function("ibot_gather"), blocks, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL,
                    g, x, idx, y, axisStride);
    }

    /**
     * The packed {@code ibot_geo} struct ({@value #GEO_INTS} ints) of a view of {@code dims} with operand strides
     * (null = unused, packed as zeros), after dropping size-1 dims and merging dims contiguous for every operand.
     * An empty view packs {@code rank 0, n 0}.
     */
    static int[] geo(int[] dims, int[] sa, int[] sb, int[] sc, int[] sy) {
        if (dims == null) throw new IllegalArgumentException("dims is null");
        int[][] strides = {sa, sb, sc, sy};
        String[] names = {"sa", "sb", "sc", "sy"};
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dim in " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(
                    "view of " + Arrays.toString(dims) + " has more than " + Integer.MAX_VALUE + " elements");
        }
        for (int o = 0; o < 4; o++)
            if (strides[o] != null && strides[o].length != dims.length) throw new IllegalArgumentException(
                    names[o] + " " + Arrays.toString(strides[o]) + " does not match the rank of dims " + Arrays.toString(dims));
        int[] g = new int[GEO_INTS];
        if (n == 0) return g;
        // merged dims, each {size, s0, s1, s2, s3}, outermost first
        List<long[]> merged = new ArrayList<>();
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == 1) continue;
            long[] cur = {dims[d], 0, 0, 0, 0};
            for (int o = 0; o < 4; o++) cur[1 + o] = strides[o] == null ? 0 : strides[o][d];
            long[] top = merged.isEmpty() ? null : merged.getLast();
            if (top != null && contiguous(top, cur)) {
                top[0] *= cur[0];
                System.arraycopy(cur, 1, top, 1, 4);
            } else {
                merged.add(cur);
            }
        }
        int rank = merged.size();
        if (rank > MAX_RANK) throw new IllegalArgumentException("strided view of dims " + Arrays.toString(dims)
                + " has rank " + rank + " after merging contiguous dims, above the kernels' maximum " + MAX_RANK
                + " (strides sa " + Arrays.toString(sa) + ", sb " + Arrays.toString(sb) + ", sc " + Arrays.toString(sc)
                + ", sy " + Arrays.toString(sy) + ")");
        g[RANK] = rank;
        g[N] = (int) n;
        for (int k = 0; k < rank; k++) {
            long[] m = merged.get(k);
            g[DIMS + k] = (int) m[0];
            g[SA + k] = (int) m[1];
            g[SB + k] = (int) m[2];
            g[SC + k] = (int) m[3];
            g[SY + k] = (int) m[4];
        }
        return g;
    }

    /** Whether inner dim {@code in} continues outer dim {@code out} for every operand: out.stride == in.stride * in.size. */
    private static boolean contiguous(long[] out, long[] in) {
        for (int o = 1; o <= 4; o++) if (out[o] != in[o] * in[0]) return false;
        return true;
    }

    private static void requireOperand(MapOp op, String name, boolean read, long ptr, int[] strides) {
        if (read && (ptr == 0 || strides == null))
            throw new IllegalArgumentException(op + " reads " + name + " but its address or strides are missing");
    }
}
