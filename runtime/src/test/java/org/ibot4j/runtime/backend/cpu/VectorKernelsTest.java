package org.ibot4j.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * Every {@link VectorKernels} kernel against its {@link ScalarKernels} reference, on sizes around the vector
 * width (0, 1, 3, 15, 16, 17, 63, 197, 384, 1000), non-zero offsets and row sub-ranges, then the parallel
 * paths through {@code CpuBackend.vector(2)} against {@code CpuBackend.scalar()} on ViT-S shapes.
 *
 * <p>Tolerances: an element passes when |got - want| <= 1e-6 |want| + abs, where abs is 1e-6 times the
 * magnitude the element is computed from: 1e-6 for O(1) outputs (log-softmax, layer norm), 1e-9 for GELU, 1e-6 times
 * the size of the row's terms for row gradients (max|y| max|gy| for softmax; gradients cancel, so single
 * elements can be far smaller than the terms), 1e-6 |gy| for GELU's gradient (it crosses zero near x = -0.75),
 * and 1e-6 times the largest |want| of the vector for the accumulated gw/gb. Softmax, exp, log, tanh and pow are
 * held to 1e-6 relative alone. Scalar-arithmetic ops (add/mul scalar, sqrt, relu, binary ops, axpy) must match
 * bit for bit. Bytes outside the written range must be untouched.
 */
class VectorKernelsTest {
    private static final int[] SIZES = {0, 1, 3, 15, 16, 17, 63, 197, 384, 1000};
    private static final double REL = 1e-6, ABS = 1e-6;
    private static final float SENTINEL = 777.25f;

    // ------------------------------------------------------------------------------------------ softmax

    @Test
    void softmaxMatchesReference() {
        Rng rng = new Rng(1);
        for (int cols : SIZES) {
            for (boolean log : new boolean[] {false, true}) {
                int rows = 5, r0 = 1, r1 = 5, xOff = 7, yOff = 3;
                float[] x = gaussian(rng, xOff + rows * cols, 4, 0);
                if (cols > 2) {  // masked entries, and a fully masked row
                    x[xOff + r1 * cols - cols + 1] = Float.NEGATIVE_INFINITY;
                    Arrays.fill(x, xOff + 2 * cols, xOff + 3 * cols, Float.NEGATIVE_INFINITY);
                }
                float[] want = filled(yOff + rows * cols + 5), got = want.clone();
                ScalarKernels.softmaxRows(x, xOff, want, yOff, r0, r1, cols, log);
                VectorKernels.softmaxRows(x, xOff, got, yOff, r0, r1, cols, log);
                assertClose(want, got, REL, log ? ABS : 0, (log ? "log-softmax" : "softmax") + " cols=" + cols);
            }
        }
    }

    @Test
    void softmaxOfLongRowsStaysAccurate() {
        Rng rng = new Rng(2);
        int cols = 65_536 + 5;  // the iBOT head width: several reduction blocks
        float[] x = gaussian(rng, 2 * cols, 3, 0);
        for (boolean log : new boolean[] {false, true}) {
            float[] want = new float[2 * cols], got = new float[2 * cols];
            ScalarKernels.softmaxRows(x, 0, want, 0, 0, 2, cols, log);
            VectorKernels.softmaxRows(x, 0, got, 0, 0, 2, cols, log);
            assertClose(want, got, REL, log ? ABS : 0, "long softmax log=" + log);
        }
    }

    @Test
    void softmaxInPlaceMatchesOutOfPlace() {
        Rng rng = new Rng(3);
        float[] x = gaussian(rng, 3 * 197, 2, 0), want = new float[x.length];
        VectorKernels.softmaxRows(x, 0, want, 0, 0, 3, 197, false);
        VectorKernels.softmaxRows(x, 0, x, 0, 0, 3, 197, false);
        assertArrayEquals(want, x);
    }

    @Test
    void softmaxBackwardMatchesReference() {
        Rng rng = new Rng(4);
        for (int cols : SIZES) {
            for (boolean log : new boolean[] {false, true}) {
                int rows = 4, r0 = 1, r1 = 4, yOff = 2, gOff = 9, xOff = 4;
                float[] y = new float[yOff + rows * cols];
                ScalarKernels.softmaxRows(gaussian(rng, rows * cols, 3, 0), 0, y, yOff, 0, rows, cols, log);
                float[] gy = gaussian(rng, gOff + rows * cols, 1, 0);
                float[] want = filled(xOff + rows * cols + 3), got = want.clone();
                ScalarKernels.softmaxBackwardRows(y, yOff, gy, gOff, want, xOff, r0, r1, cols, log);
                VectorKernels.softmaxBackwardRows(y, yOff, gy, gOff, got, xOff, r0, r1, cols, log);
                assertRowsClose(want, got, xOff, rows, cols, softmaxGradScale(y, yOff, gy, gOff, rows, cols, log),
                        "softmax backward log=" + log + " cols=" + cols);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ layer norm

    @Test
    void layerNormMatchesReference() {
        Rng rng = new Rng(5);
        for (int cols : SIZES) {
            if (cols == 0) continue;  // mean of an empty row is NaN in both; nothing to compare
            for (int variant = 0; variant < 4; variant++) {
                int rows = 4, r0 = 1, r1 = 4, xOff = 3, yOff = 6;
                double mean = variant == 3 ? 100 : 3;  // a mean far from zero against the spread
                float[] x = gaussian(rng, xOff + rows * cols, 2, mean);
                float[] w = variant % 2 == 0 ? gaussian(rng, cols, 1, 1) : null;
                float[] b = variant < 2 ? gaussian(rng, cols, 1, 0) : null;
                float[] want = filled(yOff + rows * cols + 2), got = want.clone();
                float[] mw = filled(rows), rw = filled(rows), mg = filled(rows), rg = filled(rows);
                ScalarKernels.layerNormRows(x, xOff, w, b, want, yOff, mw, rw, r0, r1, cols, 1e-6f);
                VectorKernels.layerNormRows(x, xOff, w, b, got, yOff, mg, rg, r0, r1, cols, 1e-6f);
                String what = "layer norm variant " + variant + " cols=" + cols;
                assertClose(want, got, REL, ABS, what + " y");
                assertClose(mw, mg, REL, 0, what + " mean");
                assertClose(rw, rg, REL, 0, what + " rstd");
            }
        }
    }

    @Test
    void layerNormBackwardMatchesReference() {
        Rng rng = new Rng(6);
        for (int cols : SIZES) {
            if (cols == 0) continue;
            for (int variant = 0; variant < 4; variant++) {
                int rows = 5, r0 = 1, r1 = 5, xOff = 2, gOff = 5, oOff = 1;
                float[] x = gaussian(rng, xOff + rows * cols, 1.5, 0.5);
                float[] w = variant == 1 ? null : gaussian(rng, cols, 1, 1);
                float[] mean = new float[rows], rstd = new float[rows];
                ScalarKernels.layerNormRows(x, xOff, w, null, new float[rows * cols], 0, mean, rstd, 0, rows, cols, 1e-5f);
                float[] gy = gaussian(rng, gOff + rows * cols, 1, 0);
                boolean withGx = variant != 2, withGwGb = variant != 3;
                float[] gxW = withGx ? filled(oOff + rows * cols + 4) : null, gxG = withGx ? gxW.clone() : null;
                float[] gwW = withGwGb ? gaussian(rng, cols, 1, 0) : null, gwG = withGwGb ? gwW.clone() : null;
                float[] gbW = withGwGb ? gaussian(rng, cols, 1, 0) : null, gbG = withGwGb ? gbW.clone() : null;
                ScalarKernels.layerNormBackwardRows(x, xOff, w, mean, rstd, gy, gOff, gxW, oOff, gwW, gbW, r0, r1, cols);
                VectorKernels.layerNormBackwardRows(x, xOff, w, mean, rstd, gy, gOff, gxG, oOff, gwG, gbG, r0, r1, cols);
                String what = "layer norm backward variant " + variant + " cols=" + cols;
                if (withGx) {
                    double[] scale = layerNormGradScale(x, xOff, w, mean, rstd, gy, gOff, rows, cols);
                    assertRowsClose(gxW, gxG, oOff, rows, cols, scale, what + " gx");
                }
                if (withGwGb) {
                    assertClose(gwW, gwG, REL, ABS * maxAbs(gwW), what + " gw");
                    assertClose(gbW, gbG, REL, ABS * maxAbs(gbW), what + " gb");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ GELU

    @Test
    void geluMatchesReferenceOnDenseGridAndRandomData() {
        int n = 200_001;
        float[] grid = new float[n + 10];
        for (int i = 0; i < n; i++) grid[i] = (float) (-10.0 + 20.0 * i / (n - 1));
        float[] special = {0f, -0f, 1e-30f, -1e-30f, 40f, -40f, Float.MAX_VALUE, -1e10f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY};
        System.arraycopy(special, 0, grid, n, special.length);
        checkGelu(grid, 0, grid.length);
        Rng rng = new Rng(7);
        for (int size : SIZES) checkGelu(gaussian(rng, size + 5, 2, 0), 5, size);
    }

    private static void checkGelu(float[] x, int xOff, int n) {
        float[] want = filled(xOff + n + 3), got = want.clone();
        ScalarKernels.gelu(x, xOff, want, xOff + 1, n);
        VectorKernels.gelu(x, xOff, got, xOff + 1, n);
        assertClose(want, got, REL, 1e-9, "gelu n=" + n);
        float[] gy = new float[xOff + n];
        Arrays.fill(gy, 1.5f);
        float[] gw = filled(xOff + n + 3), gg = gw.clone();
        ScalarKernels.geluBackward(x, xOff, gy, 0, gw, 2, n);
        VectorKernels.geluBackward(x, xOff, gy, 0, gg, 2, n);
        assertClose(gw, gg, REL, ABS * 1.5, "gelu backward n=" + n);
    }

    // ------------------------------------------------------------------------------------------ elementwise

    @Test
    void unaryOpsMatchReference() {
        Rng rng = new Rng(8);
        for (int n : SIZES) {
            float[] any = withSpecials(gaussian(rng, n + 4, 3, 0));
            float[] positive = new float[n + 4];
            for (int i = 0; i < positive.length; i++) positive[i] = (float) Math.exp(rng.nextGaussian() * 6);
            float[] wide = gaussian(rng, n + 4, 30, 0);
            checkUnary(UnaryOp.ADD_SCALAR, any, 1.75f, 0, 0, n);
            checkUnary(UnaryOp.MUL_SCALAR, any, -0.3f, 0, 0, n);
            checkUnary(UnaryOp.SQRT, any, 0f, 0, 0, n);
            checkUnary(UnaryOp.RELU, any, 0f, 0, 0, n);
            checkUnary(UnaryOp.EXP, wide, 0f, REL, 0, n);
            checkUnary(UnaryOp.EXP, any, 0f, REL, 0, n);
            checkUnary(UnaryOp.LOG, positive, 0f, REL, 0, n);
            checkUnary(UnaryOp.LOG, any, 0f, REL, 0, n);
            checkUnary(UnaryOp.TANH, any, 0f, REL, 0, n);
            for (float p : new float[] {0f, 1f, 2f, 3f, 4f, -1f, -2f, 0.5f, -0.5f, 1.7f}) {
                checkUnary(UnaryOp.POW, any, p, REL, 0, n);
                checkUnary(UnaryOp.POW, positive, p, REL, 0, n);
            }
        }
    }

    private static void checkUnary(UnaryOp op, float[] x, float param, double rel, double abs, int n) {
        int xOff = 4, yOff = 1;
        float[] want = filled(yOff + n + 3), got = want.clone();
        ScalarKernels.unary(op, x, xOff, want, yOff, n, param);
        VectorKernels.unary(op, x, xOff, got, yOff, n, param);
        String what = op + "(" + param + ") n=" + n;
        if (rel == 0) assertBitwise(want, got, what);
        else assertClose(want, got, rel, abs, what);
        float[] inPlace = Arrays.copyOf(x, x.length);  // y aliasing x, as Elementwise's in-place scaling does
        VectorKernels.unary(op, inPlace, xOff, inPlace, xOff, n, param);
        assertBitwise(Arrays.copyOfRange(got, yOff, yOff + n), Arrays.copyOfRange(inPlace, xOff, xOff + n), what + " in place");
    }

    @Test
    void binaryOpsAxpyMatchReferenceBitForBit() {
        Rng rng = new Rng(9);
        for (int n : SIZES) {
            float[] a = withSpecials(gaussian(rng, n + 3, 2, 0)), b = gaussian(rng, n + 6, 2, 0);
            if (n > 4) b[6] = 0f;  // division by zero
            for (BinaryOp op : BinaryOp.values()) {
                float[] want = filled(n + 2), got = want.clone();
                ScalarKernels.binary(op, a, 3, b, 6, want, 2, n);
                VectorKernels.binary(op, a, 3, b, 6, got, 2, n);
                assertBitwise(want, got, op + " n=" + n);
            }
            float[] want = gaussian(rng, n + 1, 1, 0), got = want.clone();
            ScalarKernels.axpy(-0.7f, a, 3, want, 1, n);
            VectorKernels.axpy(-0.7f, a, 3, got, 1, n);
            assertBitwise(want, got, "axpy n=" + n);
        }
    }

    @Test
    void sumIsAccurateAndDeterministic() {
        Rng rng = new Rng(10);
        int[] sizes = {0, 1, 3, 15, 16, 17, 63, 197, 384, 1000, 100_003, 3_000_000};
        for (int n : sizes) {
            float[] x = gaussian(rng, n + 5, 1, 0.25);
            double absSum = 0;
            for (int i = 5; i < n + 5; i++) absSum += Math.abs(x[i]);
            double want = ScalarKernels.sum(x, 5, n), got = VectorKernels.sum(x, 5, n);
            assertEquals(want, got, 1e-6 * absSum + 1e-30, "sum n=" + n);
            assertEquals(Double.doubleToLongBits(got), Double.doubleToLongBits(VectorKernels.sum(x, 5, n)), "sum repeatable n=" + n);
        }
    }

    // ------------------------------------------------------------------------------------------ via CpuBackend

    private static final CpuBackend VEC = CpuBackend.vector(2), REF = CpuBackend.scalar();

    @Test
    void backendSoftmaxOnAttentionShapes() {
        Rng rng = new Rng(11);
        int rows = 8 * 6 * 197, cols = 197;
        float[] x = gaussian(rng, rows * cols + 3, 3, 0), gy = gaussian(rng, rows * cols, 1, 0);
        for (boolean log : new boolean[] {false, true}) {
            float[] want = new float[rows * cols], got = new float[rows * cols];
            REF.softmaxRows(x, 3, want, 0, rows, cols, log);
            VEC.softmaxRows(x, 3, got, 0, rows, cols, log);
            assertClose(want, got, REL, log ? ABS : 0, "backend softmax log=" + log);
            float[] single = new float[rows * cols];
            CpuBackend.vector(1).softmaxRows(x, 3, single, 0, rows, cols, log);
            assertArrayEquals(single, got, "softmax must not depend on the thread count");
            float[] gw = new float[rows * cols], gg = new float[rows * cols];
            REF.softmaxBackwardRows(want, 0, gy, 0, gw, 0, rows, cols, log);
            VEC.softmaxBackwardRows(want, 0, gy, 0, gg, 0, rows, cols, log);
            assertRowsClose(gw, gg, 0, rows, cols, softmaxGradScale(want, 0, gy, 0, rows, cols, log),
                    "backend softmax backward log=" + log);
        }
    }

    @Test
    void backendLayerNormOnTokenShapesIncludingChunkedWeightGradients() {
        Rng rng = new Rng(12);
        int rows = 1576, cols = 384;
        float[] x = gaussian(rng, rows * cols, 2, 1), w = gaussian(rng, cols, 0.5, 1), b = gaussian(rng, cols, 0.5, 0);
        float[] yW = new float[rows * cols], yG = new float[rows * cols];
        float[] mW = new float[rows], rW = new float[rows], mG = new float[rows], rG = new float[rows];
        REF.layerNormRows(x, 0, w, b, yW, 0, mW, rW, rows, cols, 1e-6f);
        VEC.layerNormRows(x, 0, w, b, yG, 0, mG, rG, rows, cols, 1e-6f);
        assertClose(yW, yG, REL, ABS, "backend layer norm y");
        assertClose(mW, mG, REL, 0, "backend layer norm mean");
        assertClose(rW, rG, REL, 0, "backend layer norm rstd");

        float[] gy = gaussian(rng, rows * cols, 1, 0);
        for (int variant = 0; variant < 3; variant++) {
            float[] gwW = variant == 2 ? null : gaussian(rng, cols, 1, 0), gwG = gwW == null ? null : gwW.clone();
            float[] gbW = variant == 1 ? null : gaussian(rng, cols, 1, 0), gbG = gbW == null ? null : gbW.clone();
            float[] gxW = new float[rows * cols], gxG = new float[rows * cols];
            REF.layerNormBackwardRows(x, 0, w, mW, rW, gy, 0, gxW, 0, gwW, gbW, rows, cols);
            float[] gwStart = gwG == null ? null : gwG.clone(), gbStart = gbG == null ? null : gbG.clone();
            VEC.layerNormBackwardRows(x, 0, w, mW, rW, gy, 0, gxG, 0, gwG, gbG, rows, cols);
            String what = "backend layer norm backward variant " + variant;
            assertRowsClose(gxW, gxG, 0, rows, cols, layerNormGradScale(x, 0, w, mW, rW, gy, 0, rows, cols), what + " gx");
            if (gwW != null) assertClose(gwW, gwG, REL, ABS * maxAbs(gwW), what + " gw");
            if (gbW != null) assertClose(gbW, gbG, REL, ABS * maxAbs(gbW), what + " gb");
            // the chunked partial sums are reduced in a fixed order: a rerun gives the same bits
            float[] gx2 = new float[rows * cols];
            VEC.layerNormBackwardRows(x, 0, w, mW, rW, gy, 0, gx2, 0, gwStart, gbStart, rows, cols);
            assertArrayEquals(gxG, gx2, what + " gx rerun");
            if (gwStart != null) assertArrayEquals(gwG, gwStart, what + " gw rerun");
            if (gbStart != null) assertArrayEquals(gbG, gbStart, what + " gb rerun");
        }
    }

    @Test
    void backendElementwiseOnLargeBuffers() {
        Rng rng = new Rng(13);
        int n = 1576 * 1536 + 7;  // the MLP hidden activations of a ViT-S batch, plus a ragged tail
        float[] x = gaussian(rng, n + 3, 2, 0), gy = gaussian(rng, n, 1, 0), b = gaussian(rng, n, 1, 0);
        float[] want = new float[n], got = new float[n];
        REF.gelu(x, 3, want, 0, n);
        VEC.gelu(x, 3, got, 0, n);
        assertClose(want, got, REL, 1e-9, "backend gelu");
        float[] single = new float[n];
        CpuBackend.vector(1).gelu(x, 3, single, 0, n);
        assertArrayEquals(single, got, "gelu must not depend on the thread count");
        REF.geluBackward(x, 3, gy, 0, want, 0, n);
        VEC.geluBackward(x, 3, gy, 0, got, 0, n);
        float[] gyAbs = new float[n];
        for (int i = 0; i < n; i++) gyAbs[i] = Math.abs(gy[i]);
        for (int i = 0; i < n; i++) {
            if (!(Math.abs(want[i] - got[i]) <= REL * Math.abs(want[i]) + ABS * gyAbs[i])) {
                fail("backend gelu backward at " + i + ": want " + want[i] + " got " + got[i]);
            }
        }
        REF.unary(UnaryOp.EXP, x, 3, want, 0, n, 0f);
        VEC.unary(UnaryOp.EXP, x, 3, got, 0, n, 0f);
        assertClose(want, got, REL, 0, "backend exp");
        REF.binary(BinaryOp.MUL, x, 3, b, 0, want, 0, n);
        VEC.binary(BinaryOp.MUL, x, 3, b, 0, got, 0, n);
        assertBitwise(want, got, "backend mul");
        float[] yw = b.clone(), yg = b.clone();
        REF.axpy(0.5f, x, 3, yw, 0, n);
        VEC.axpy(0.5f, x, 3, yg, 0, n);
        assertBitwise(yw, yg, "backend axpy");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static float[] gaussian(Rng rng, int n, double scale, double mean) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (mean + scale * rng.nextGaussian());
        return a;
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    /** Sprinkles IEEE special values over the array (where it is long enough). */
    private static float[] withSpecials(float[] a) {
        float[] s = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -1f};
        for (int i = 0; i < s.length && 4 + 3 * i < a.length; i++) a[4 + 3 * i] = s[i];
        return a;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** |got - want| <= rel |want| + abs elementwise; NaN must meet NaN and infinities the same infinity. */
    private static void assertClose(float[] want, float[] got, double rel, double abs, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            float w = want[i], g = got[i];
            if (Float.isNaN(w) || Float.isInfinite(w)) {
                if (Float.compare(w, g) != 0) fail(what + " at " + i + ": want " + w + " got " + g);
            } else if (!(Math.abs((double) g - w) <= rel * Math.abs(w) + abs)) {
                fail(what + " at " + i + ": want " + w + " got " + g + " (error " + Math.abs((double) g - w) + ")");
            }
        }
    }

    /** Softmax-gradient term size per row: max|y| max|gy|, or for log-softmax max|gy| + max e^y sum|gy|. */
    private static double[] softmaxGradScale(float[] y, int yOff, float[] gy, int gOff, int rows, int cols, boolean log) {
        double[] scale = new double[rows];
        for (int r = 0; r < rows; r++) {
            double my = 0, mg = 0, sg = 0;
            for (int j = 0; j < cols; j++) {
                float yv = y[yOff + r * cols + j], g = Math.abs(gy[gOff + r * cols + j]);
                my = Math.max(my, log ? Math.exp(yv) : Math.abs(yv));
                mg = Math.max(mg, g);
                sg += g;
            }
            scale[r] = log ? mg + my * sg : my * mg;
        }
        return scale;
    }

    /** Layer-norm gx term size per row: rstd max|gy w| (1 + max|xhat|). */
    private static double[] layerNormGradScale(float[] x, int xOff, float[] w, float[] mean, float[] rstd, float[] gy, int gOff,
                                               int rows, int cols) {
        double[] scale = new double[rows];
        for (int r = 0; r < rows; r++) {
            double mg = 0, mx = 0;
            for (int j = 0; j < cols; j++) {
                mg = Math.max(mg, Math.abs(gy[gOff + r * cols + j] * (w == null ? 1f : w[j])));
                mx = Math.max(mx, Math.abs((x[xOff + r * cols + j] - mean[r]) * rstd[r]));
            }
            scale[r] = rstd[r] * mg * (1 + mx);
        }
        return scale;
    }

    /** Rows of a gradient: each element within 1e-6 relative plus 1e-6 of its row's term size. */
    private static void assertRowsClose(float[] want, float[] got, int off, int rows, int cols, double[] scale, String what) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int i = off + r * cols + j;
                if (!(Math.abs((double) got[i] - want[i]) <= REL * Math.abs(want[i]) + ABS * scale[r])) {
                    fail(what + " row " + r + " col " + j + ": want " + want[i] + " got " + got[i]);
                }
            }
        }
        float[] outsideW = want.clone(), outsideG = got.clone();
        Arrays.fill(outsideW, off, off + rows * cols, 0f);
        Arrays.fill(outsideG, off, off + rows * cols, 0f);
        assertBitwise(outsideW, outsideG, what + " outside the rows");
    }

    private static void assertBitwise(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                fail(what + " at " + i + ": want " + want[i] + " got " + got[i]);
            }
        }
        assertTrue(want.length == got.length, what + ": length");
    }
}
