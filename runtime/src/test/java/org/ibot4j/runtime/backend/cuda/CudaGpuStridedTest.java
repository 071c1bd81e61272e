package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.nativebind.cuda.Nvrtc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The strided kernels ({@link StridedKernels}: ibot_map, ibot_reduce) on device memory against plain Java loops
 * over the same strided views: transposed, broadcast (stride 0) and offset inputs, outputs written into strided
 * views (the gaps must stay untouched), NaN and ties in max. Skips (with the reason) without a GPU; runs against
 * the host-memory fakes in scripts/fake-cuda-check.sh.
 */
class CudaGpuStridedTest {
    private static final float SENTINEL = 12345.5f;
    private final List<Long> allocations = new ArrayList<>();

    /** Per test, so each one is reported skipped with the reason. */
    @BeforeEach void requireGpu() {
        assumeTrue(Cuda.available(), () -> "no GPU: " + Cuda.unavailableReason());
        assumeTrue(Nvrtc.isLoaded(), () -> "no NVRTC: " + Nvrtc.unavailableReason());
        Cuda.makeCurrent();
    }

    @AfterEach void free() {
        for (long p : allocations) CudaDriver.memFree(p);
        allocations.clear();
    }

    // ---- map -------------------------------------------------------------------------------------------

    /**
     * Logical shape [3,4,5]. A: a transposed view ([5,4,3] storage) at offset 7; B: a [4] vector broadcast over
     * dims 0 and 2; C: contiguous; y: every other float of a [3,4,10] buffer at offset 1.
     */
    @Test void everyMapOpMatchesAJavaLoopOnStridedAndBroadcastViews() {
        int[] dims = {3, 4, 5}, sa = {1, 3, 12}, sb = {0, 1, 0}, sc = {20, 5, 1}, sy = {40, 10, 2};
        int offA = 7, offY = 1;
        Random r = new Random(11);
        float[] as = new float[offA + 60], bs = {0f, 1.5f, -0.5f, 0f}, cs = new float[60], ys0 = new float[120];
        for (int i = 0; i < as.length; i++) as[i] = r.nextInt(10) == 0 ? 0f : r.nextFloat() * 4 - 2;
        as[offA + 2 + 3 * 1 + 12 * 2] = Float.NaN;
        for (int i = 0; i < cs.length; i++) cs[i] = r.nextFloat() * 4 - 2;
        long a = upload(as), b = upload(bs), c = upload(cs);
        StringBuilder failures = new StringBuilder();
        for (MapOp op : MapOp.values()) {
            float p = op == MapOp.MAX_SCALAR ? 0.25f : 1.5f;
            Arrays.fill(ys0, SENTINEL);
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 5; k++)
                ys0[offY + i * 40 + j * 10 + k * 2] = r.nextFloat() * 2 - 1;
            long y = upload(ys0);
            StridedKernels.map(op, p, dims,
                    op.readsA() ? a + 4L * offA : 0, op.readsA() ? sa : null,
                    op.readsB() ? b : 0, op.readsB() ? sb : null,
                    op.readsC() ? c : 0, op.readsC() ? sc : null,
                    y + 4L * offY, sy);
            float[] got = download(y, ys0.length);
            float[] want = ys0.clone();
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 5; k++) {
                int iy = offY + i * 40 + j * 10 + k * 2;
                want[iy] = apply(op, as[offA + i * sa[0] + j * sa[1] + k * sa[2]], bs[j], cs[i * 20 + j * 5 + k], ys0[iy], p);
            }
            for (int i = 0; i < want.length; i++)
                if (!close(want[i], got[i], 2e-6)) failures.append(op).append(" at ").append(i).append(": want ")
                        .append(want[i]).append(" got ").append(got[i]).append('\n');
        }
        assertEquals("", failures.toString());
    }

    /** The element function, written out as the contract says (MapOp javadoc), independently of the kernels. */
    private static float apply(MapOp op, float a, float b, float c, float y, float p) {
        return switch (op) {
            case COPY -> a;
            case FILL -> p;
            case ADD_SCALAR -> a + p;
            case MUL_SCALAR -> a * p;
            case EXP -> (float) Math.exp(a);
            case LOG -> (float) Math.log(a);
            case SQRT -> (float) Math.sqrt(a);
            case TANH -> (float) Math.tanh(a);
            case POW -> (float) Math.pow(a, p);
            case RELU -> a > 0 ? a : 0f;
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case WHERE -> a != 0 ? b : c;
            case RELU_GRAD -> a > 0 ? b : 0f;
            case MASKED_FILL -> b != 0 ? p : a;
            case AXPY -> y + p * a;
            case SQUARE -> a * a;
            case MAX_SCALAR -> Float.isNaN(a) ? a : Math.max(a, p);
        };
    }

    @Test void scalarsHighRankViewsAndManyBlocks() {
        // rank 0: one element
        long s = upload(new float[]{SENTINEL, 0f});
        StridedKernels.map(MapOp.FILL, 3.25f, new int[0], 0, null, 0, null, 0, null, s + 4, new int[0]);
        assertEquals("[12345.5, 3.25]", Arrays.toString(download(s, 2)));

        // rank 10, contiguous: merges to one dim
        int[] dims = new int[10], strides = new int[10];
        Arrays.fill(dims, 2);
        for (int d = 0; d < 10; d++) strides[d] = 1 << (9 - d);
        float[] x = new float[1024];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f;
        long px = upload(x), py = upload(new float[1024]);
        StridedKernels.map(MapOp.MUL_SCALAR, 2f, dims, px, strides, 0, null, 0, null, py, strides);
        float[] got = download(py, 1024);
        for (int i = 0; i < x.length; i++) assertEquals(i, got[i], "element " + i);

        // a 300 x 333 transpose: many blocks, every element once
        int rows = 300, cols = 333;
        float[] m = new float[rows * cols];
        for (int i = 0; i < m.length; i++) m[i] = i;
        long pm = upload(m), pt = upload(new float[rows * cols]);
        StridedKernels.map(MapOp.ADD_SCALAR, 1f, new int[]{cols, rows}, pm, new int[]{1, cols}, 0, null, 0, null,
                pt, new int[]{rows, 1});
        float[] t = download(pt, rows * cols);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) assertEquals(m[i * cols + j] + 1f, t[j * rows + i], "t[" + j + "][" + i + "]");
    }

    // ---- reduce ----------------------------------------------------------------------------------------

    /** x logical [3,4,5,6] stored as a contiguous [5,3,6,4] permutation at offset 3. */
    @Test void sumAndMaxOverAxisSetsOfAPermuted4dTensorWithNaNAndTies() {
        int[] dims = {3, 4, 5, 6}, xs = {24, 1, 72, 4};
        int off = 3;
        Random r = new Random(3);
        float[] ints = new float[off + 360], fracs = new float[off + 360];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = r.nextInt(7) - 3;
            fracs[i] = r.nextFloat() * 2 - 1;
        }
        // NaNs at logical (0,1,2,3) and (2,3,4,5), (0,1,4,3)
        ints[off + 0 * 24 + 1 * 1 + 2 * 72 + 3 * 4] = Float.NaN;
        ints[off + 2 * 24 + 3 * 1 + 4 * 72 + 5 * 4] = Float.NaN;
        ints[off + 0 * 24 + 1 * 1 + 4 * 72 + 3 * 4] = Float.NaN;
        int[][] axisSets = {{3}, {0}, {1, 2}, {0, 2}, {0, 1, 2, 3}, {}, {1, 3}};
        for (float[] data : new float[][]{ints, fracs}) {
            long px = upload(data);
            for (int[] axes : axisSets) {
                int[] keptDims = pick(dims, axes, false), keptX = pick(xs, axes, false);
                int[] redDims = pick(dims, axes, true), redX = pick(xs, axes, true);
                int nOut = product(keptDims), nRed = product(redDims);
                int[] keptY = contiguous(keptDims);
                for (int d = 0; d < keptY.length; d++) keptY[d] *= 2;   // y: every other float, from offset 1
                for (boolean max : new boolean[]{false, true}) {
                    float[] y0 = new float[1 + 2 * nOut];
                    Arrays.fill(y0, SENTINEL);
                    long py = upload(y0);
                    long parg = max ? allocInts(nOut) : 0;
                    StridedKernels.reduce(max, keptDims, keptX, keptY, redDims, redX, px + 4L * off, py + 4, parg);
                    float[] got = download(py, y0.length);
                    int[] gotArg = max ? downloadInts(parg, nOut) : null;
                    String what = (max ? "max" : "sum") + " over " + Arrays.toString(axes)
                            + (data == ints ? " (integers, NaN)" : " (fractions)");
                    for (int o = 0; o < nOut; o++) {
                        int[] kIdx = unravel(o, keptDims);
                        int base = off + dot(kIdx, keptX);
                        double sum = 0;
                        float best = 0;
                        int bi = -1;
                        for (int q = 0; q < nRed; q++) {
                            float v = data[base + dot(unravel(q, redDims), redX)];
                            sum += v;
                            if (bi < 0 || v > best || (Float.isNaN(v) && !Float.isNaN(best))) { best = v; bi = q; }
                        }
                        float want = max ? best : (float) sum;
                        float g = got[1 + dot(kIdx, keptY)];
                        if (!close(want, g, 1e-6)) fail(what + ", output " + o + ": want " + want + " got " + g);
                        if (max) assertEquals(bi, gotArg[o], what + ", arg of output " + o);
                    }
                    for (int i = 0; i < y0.length; i += 2) assertEquals(SENTINEL, got[i], what + ": gap " + i + " written");
                }
            }
        }
    }

    /** Rows longer than the block: ties and NaN placed across threads must still pick the first index. */
    @Test void maxTiesAndNaNAcrossThreadsPickTheFirstIndex() {
        int rows = 5, cols = 3000;
        Random r = new Random(8);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = -r.nextFloat();
        for (int j : new int[]{2999, 700, 1500}) x[j] = 5f;                       // row 0 -> 700
        for (int j : new int[]{2500, 2000}) x[cols + j] = Float.NaN;              // row 1 -> 2000 (NaN)
        x[cols + 10] = 5f;
        Arrays.fill(x, 2 * cols, 3 * cols, Float.NEGATIVE_INFINITY);               // row 2 -> 0 (-inf)
        for (int j : new int[]{511, 256}) x[3 * cols + j] = 5f;                   // row 3 -> 256
        for (int j : new int[]{255, 2048}) x[4 * cols + j] = 5f;                  // row 4 -> 255
        long px = upload(x), py = upload(new float[rows]);
        long parg = allocInts(rows);
        StridedKernels.reduce(true, new int[]{rows}, new int[]{cols}, new int[]{1}, new int[]{cols}, new int[]{1},
                px, py, parg);
        assertEquals("[5.0, NaN, -Infinity, 5.0, 5.0]", Arrays.toString(download(py, rows)));
        assertEquals("[700, 2000, 0, 256, 255]", Arrays.toString(downloadInts(parg, rows)));

        long ps = upload(new float[rows]);
        float[] finite = x.clone();
        for (int i = 0; i < finite.length; i++) if (!Float.isFinite(finite[i])) finite[i] = 0.5f;
        long pf = upload(finite);
        StridedKernels.reduce(false, new int[]{rows}, new int[]{cols}, new int[]{1}, new int[]{cols}, new int[]{1},
                pf, ps, 0);
        float[] sums = download(ps, rows);
        for (int i = 0; i < rows; i++) {
            double want = 0;
            for (int j = 0; j < cols; j++) want += finite[i * cols + j];
            assertTrue(close((float) want, sums[i], 1e-6), "row " + i + " sum want " + want + " got " + sums[i]);
        }
    }

    @Test void anEmptySumIsZero() {
        long px = upload(new float[1]), py = upload(new float[]{7f, 7f, 7f});
        StridedKernels.reduce(false, new int[]{3}, new int[]{0}, new int[]{1}, new int[]{0}, new int[]{1}, px, py, 0);
        assertEquals("[0.0, 0.0, 0.0]", Arrays.toString(download(py, 3)));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private long upload(float[] x) {
        long p = CudaDriver.memAlloc(Math.max(1, x.length) * (long) Float.BYTES);
        allocations.add(p);
        CudaDriver.memcpyHtoD(p, x, 0, x.length);
        return p;
    }

    private long allocInts(int n) {
        long p = CudaDriver.memAlloc(Math.max(1, n) * (long) Integer.BYTES);
        allocations.add(p);
        CudaDriver.memsetD32(p, -7, Math.max(1, n));
        return p;
    }

    private static float[] download(long p, int n) {
        float[] out = new float[n];
        CudaDriver.memcpyDtoH(out, 0, p, n);
        return out;
    }

    private static int[] downloadInts(long p, int n) {
        int[] out = new int[n];
        CudaDriver.memcpyDtoH(MemorySegment.ofArray(out), p);
        return out;
    }

    /** Equal (NaN equals NaN, infinities exactly), or within rel·|want| + 1e-7. */
    private static boolean close(float want, float got, double rel) {
        if (Float.isNaN(want) || Float.isNaN(got)) return Float.isNaN(want) && Float.isNaN(got);
        if (want == got) return true;
        return Math.abs(want - got) <= rel * Math.abs(want) + 1e-7;
    }

    private static int[] pick(int[] v, int[] axes, boolean in) {
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < v.length; d++) {
            boolean reduced = false;
            for (int a : axes) reduced |= a == d;
            if (reduced == in) out.add(v[d]);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int product(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    private static int[] contiguous(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int d = dims.length - 1; d >= 0; d--) { s[d] = acc; acc *= dims[d]; }
        return s;
    }

    private static int[] unravel(int i, int[] dims) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) { idx[d] = i % dims[d]; i /= dims[d]; }
        return idx;
    }

    private static int dot(int[] idx, int[] strides) {
        int s = 0;
        for (int d = 0; d < idx.length; d++) s += idx[d] * strides[d];
        return s;
    }
}
