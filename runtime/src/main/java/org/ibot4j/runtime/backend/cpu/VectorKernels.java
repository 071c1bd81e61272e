package org.ibot4j.runtime.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;

/**
 * Vector API kernels for everything but GEMM: row softmax / log-softmax, layer norm, exact-erf GELU,
 * elementwise maps, axpy and sum, each with the signature and semantics of its {@link ScalarKernels} reference.
 *
 * <p>Loops run over whole vectors of {@link #S} and finish with one masked vector (or, for the transcendental
 * ones, a zero-padded copy of the tail), so every element goes through the same arithmetic wherever it sits:
 * results do not depend on how CpuBackend chunks the work. Reductions add float vector partials of at most
 * {@link #BLOCK} elements into a double in a fixed lane and block order, which makes them deterministic and
 * keeps long rows accurate. Transcendentals come from {@link VectorMath}; GELU runs as passes over L1 tiles.
 * No vector value crosses a call that C2 might not inline (see VectorMath). Outputs may alias inputs at the
 * same offset (in-place use).
 */
public final class VectorKernels {
    static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();
    /** Elements accumulated in float vectors before the partial goes into a double (a multiple of L). */
    private static final int BLOCK = Math.max(512, L);
    /** Elements per tile of the multi-pass GELU kernels (temporaries stay in L1). */
    private static final int TILE = VectorMath.TILE;
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    private VectorKernels() {}

    /** Which SIMD width is live, for the launcher's banner. */
    public static String describe() { return S.vectorBitSize() + "-bit " + S.length() + "xfloat32"; }

    // ------------------------------------------------------------------------------------------ softmax

    public static void softmaxRows(float[] x, int xOff, float[] y, int yOff, int r0, int r1, int cols, boolean log) {
        float[] lanes = new float[L], pad = new float[L];
        float[] e = log ? new float[cols] : null;  // log: e^(x - max) goes to scratch (y may be x itself)
        int bound = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        for (int r = r0; r < r1; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float max = rowMax(x, xi, cols);
            if (max == Float.NEGATIVE_INFINITY) max = 0f;  // a fully masked row, as in ScalarKernels
            if (log) {
                VectorMath.exp(x, xi, max, e, 0, cols, pad);
                float lse = (float) Math.log(blockSum(e, 0, cols, lanes));
                for (int j = 0; j < bound; j += L) {
                    FloatVector.fromArray(S, x, xi + j).sub(max).sub(lse).intoArray(y, yi + j);
                }
                if (bound < cols) {
                    FloatVector.fromArray(S, x, xi + bound, tail).sub(max).sub(lse).intoArray(y, yi + bound, tail);
                }
            } else {
                VectorMath.exp(x, xi, max, y, yi, cols, pad);
                float inv = (float) (1.0 / blockSum(y, yi, cols, lanes));
                for (int j = 0; j < bound; j += L) FloatVector.fromArray(S, y, yi + j).mul(inv).intoArray(y, yi + j);
                if (bound < cols) FloatVector.fromArray(S, y, yi + bound, tail).mul(inv).intoArray(y, yi + bound, tail);
            }
        }
    }

    public static void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff, int r0, int r1, int cols, boolean log) {
        float[] lanes = new float[L], pad = new float[L];
        float[] e = log ? new float[cols] : null;
        int bound = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        for (int r = r0; r < r1; r++) {
            int yi = yOff + r * cols, gi = gyOff + r * cols, xi = gxOff + r * cols;
            if (log) {  // gx = gy - e^y sum(gy)
                VectorMath.exp(y, yi, 0f, e, 0, cols, pad);
                float d = (float) blockSum(gy, gi, cols, lanes);
                for (int j = 0; j < bound; j += L) {
                    FloatVector.fromArray(S, e, j).lanewise(VectorOperators.FMA, -d, FloatVector.fromArray(S, gy, gi + j)).intoArray(gx, xi + j);
                }
                if (bound < cols) {
                    FloatVector.fromArray(S, e, bound, tail).lanewise(VectorOperators.FMA, -d, FloatVector.fromArray(S, gy, gi + bound, tail))
                            .intoArray(gx, xi + bound, tail);
                }
            } else {  // gx = y (gy - sum(gy y))
                float d = (float) blockDot(gy, gi, y, yi, cols, lanes);
                for (int j = 0; j < bound; j += L) {
                    FloatVector.fromArray(S, y, yi + j).mul(FloatVector.fromArray(S, gy, gi + j).sub(d)).intoArray(gx, xi + j);
                }
                if (bound < cols) {
                    FloatVector.fromArray(S, y, yi + bound, tail).mul(FloatVector.fromArray(S, gy, gi + bound, tail).sub(d))
                            .intoArray(gx, xi + bound, tail);
                }
            }
        }
    }

    private static float rowMax(float[] x, int xi, int cols) {
        int bound = S.loopBound(cols);
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int j = 0;
        for (; j + 2 * L <= bound; j += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, xi + j));
            m1 = m1.max(FloatVector.fromArray(S, x, xi + j + L));
        }
        if (j < bound) m0 = m0.max(FloatVector.fromArray(S, x, xi + j));
        if (bound < cols) {
            VectorMask<Float> tail = S.indexInRange(bound, cols);
            m1 = m1.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xi + bound, tail), tail);
        }
        return m0.max(m1).reduceLanes(VectorOperators.MAX);
    }

    // ------------------------------------------------------------------------------------------ layer norm

    public static void layerNormRows(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                                     int r0, int r1, int cols, float eps) {
        float[] lanes = new float[L];
        int bound = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        for (int r = r0; r < r1; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            // Moments about a first estimate of the mean: a mean that is large against the spread costs no accuracy.
            float shift = (float) (blockSum(x, xi, cols, lanes) / cols);
            double sd = 0, sd2 = 0;
            for (int b0 = 0; b0 < cols; b0 += BLOCK) {
                int b1 = Math.min(bound, b0 + BLOCK);
                FloatVector a1 = FloatVector.zero(S), a2 = FloatVector.zero(S);
                for (int j = b0; j < b1; j += L) {
                    FloatVector d = FloatVector.fromArray(S, x, xi + j).sub(shift);
                    a1 = a1.add(d);
                    a2 = d.fma(d, a2);
                }
                if (b0 + BLOCK >= cols && bound < cols) {
                    FloatVector d = FloatVector.fromArray(S, x, xi + bound, tail).sub(shift, tail);  // zero outside
                    a1 = a1.add(d);
                    a2 = d.fma(d, a2);
                }
                a1.intoArray(lanes, 0);
                sd += sumLanes(lanes);
                a2.intoArray(lanes, 0);
                sd2 += sumLanes(lanes);
            }
            double c = sd / cols;
            double rs = 1.0 / Math.sqrt(Math.max(0.0, sd2 / cols - c * c) + eps);
            mean[r] = (float) (shift + c);
            rstd[r] = (float) rs;
            float cf = (float) c, rsf = (float) rs;
            for (int j = 0; j < bound; j += L) {
                FloatVector h = FloatVector.fromArray(S, x, xi + j).sub(shift).sub(cf).mul(rsf);
                if (w != null) h = h.mul(FloatVector.fromArray(S, w, j));
                if (b != null) h = h.add(FloatVector.fromArray(S, b, j));
                h.intoArray(y, yi + j);
            }
            if (bound < cols) {
                FloatVector h = FloatVector.fromArray(S, x, xi + bound, tail).sub(shift).sub(cf).mul(rsf);
                if (w != null) h = h.mul(FloatVector.fromArray(S, w, bound, tail));
                if (b != null) h = h.add(FloatVector.fromArray(S, b, bound, tail));
                h.intoArray(y, yi + bound, tail);
            }
        }
    }

    public static void layerNormBackwardRows(float[] x, int xOff, float[] w, float[] mean, float[] rstd, float[] gy, int gyOff,
                                             float[] gx, int gxOff, float[] gw, float[] gb, int r0, int r1, int cols) {
        float[] lanes = new float[L];
        int bound = S.loopBound(cols);
        VectorMask<Float> tail = S.indexInRange(bound, cols);
        for (int r = r0; r < r1; r++) {
            int xi = xOff + r * cols, gi = gyOff + r * cols, oi = gxOff + r * cols;
            float mu = mean[r], rs = rstd[r];
            // xhat = (x - mu) rs, g = gy w; gx = rs (g - mean(g) - xhat mean(g xhat)); gw += gy xhat; gb += gy
            double sumG = 0, sumGX = 0;
            for (int b0 = 0; b0 < cols; b0 += BLOCK) {
                int b1 = Math.min(bound, b0 + BLOCK);
                FloatVector ag = FloatVector.zero(S), agx = FloatVector.zero(S);
                for (int j = b0; j < b1; j += L) {
                    FloatVector xhat = FloatVector.fromArray(S, x, xi + j).sub(mu).mul(rs);
                    FloatVector dy = FloatVector.fromArray(S, gy, gi + j);
                    FloatVector g = w == null ? dy : dy.mul(FloatVector.fromArray(S, w, j));
                    ag = ag.add(g);
                    agx = g.fma(xhat, agx);
                    if (gw != null) FloatVector.fromArray(S, gw, j).add(dy.mul(xhat)).intoArray(gw, j);
                    if (gb != null) FloatVector.fromArray(S, gb, j).add(dy).intoArray(gb, j);
                }
                if (b0 + BLOCK >= cols && bound < cols) {
                    FloatVector xhat = FloatVector.fromArray(S, x, xi + bound, tail).sub(mu).mul(rs);
                    FloatVector dy = FloatVector.fromArray(S, gy, gi + bound, tail);
                    FloatVector g = w == null ? dy : dy.mul(FloatVector.fromArray(S, w, bound, tail));
                    ag = ag.add(g, tail);
                    agx = agx.add(g.mul(xhat), tail);
                    if (gw != null) FloatVector.fromArray(S, gw, bound, tail).add(dy.mul(xhat)).intoArray(gw, bound, tail);
                    if (gb != null) FloatVector.fromArray(S, gb, bound, tail).add(dy).intoArray(gb, bound, tail);
                }
                ag.intoArray(lanes, 0);
                sumG += sumLanes(lanes);
                agx.intoArray(lanes, 0);
                sumGX += sumLanes(lanes);
            }
            if (gx == null) continue;
            float mg = (float) (sumG / cols), mgx = (float) (sumGX / cols);
            for (int j = 0; j < bound; j += L) {
                FloatVector xhat = FloatVector.fromArray(S, x, xi + j).sub(mu).mul(rs);
                FloatVector g = FloatVector.fromArray(S, gy, gi + j);
                if (w != null) g = g.mul(FloatVector.fromArray(S, w, j));
                xhat.lanewise(VectorOperators.FMA, -mgx, g.sub(mg)).mul(rs).intoArray(gx, oi + j);
            }
            if (bound < cols) {
                FloatVector xhat = FloatVector.fromArray(S, x, xi + bound, tail).sub(mu).mul(rs);
                FloatVector g = FloatVector.fromArray(S, gy, gi + bound, tail);
                if (w != null) g = g.mul(FloatVector.fromArray(S, w, bound, tail));
                xhat.lanewise(VectorOperators.FMA, -mgx, g.sub(mg)).mul(rs).intoArray(gx, oi + bound, tail);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ GELU (exact erf)

    public static void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        int size = Math.min(TILE, VectorMath.roundUp(n));
        float[] xb = new float[size], g = new float[size], lo = new float[size];
        for (int t = 0; t < n; t += TILE) {
            int m = Math.min(TILE, n - t), mm = VectorMath.roundUp(m);
            System.arraycopy(x, xOff + t, xb, 0, m);
            VectorMath.expNegSquareFull(xb, -0.5f, g, lo, mm);
            VectorMath.normalCdfFull(xb, g, g, mm);
            for (int i = 0; i < mm; i += L) FloatVector.fromArray(S, xb, i).mul(FloatVector.fromArray(S, g, i)).intoArray(g, i);
            System.arraycopy(g, 0, y, yOff + t, m);
        }
    }

    /** gx = gy (Phi(x) + x phi(x)). */
    public static void geluBackward(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        int size = Math.min(TILE, VectorMath.roundUp(n));
        float[] xb = new float[size], g = new float[size], c = new float[size], gb = new float[size];
        for (int t = 0; t < n; t += TILE) {
            int m = Math.min(TILE, n - t), mm = VectorMath.roundUp(m);
            System.arraycopy(x, xOff + t, xb, 0, m);
            System.arraycopy(gy, gyOff + t, gb, 0, m);
            VectorMath.expNegSquareFull(xb, -0.5f, g, c, mm);
            VectorMath.normalCdfFull(xb, g, c, mm);
            for (int i = 0; i < mm; i += L) {
                FloatVector v = FloatVector.fromArray(S, xb, i);
                FloatVector d = v.mul(FloatVector.fromArray(S, g, i)).lanewise(VectorOperators.FMA, INV_SQRT_2PI, FloatVector.fromArray(S, c, i));
                d.mul(FloatVector.fromArray(S, gb, i)).intoArray(gb, i);
            }
            System.arraycopy(gb, 0, gx, gxOff + t, m);
        }
    }

    // ------------------------------------------------------------------------------------------ elementwise

    public static void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n, float param) {
        switch (op) {
            case ADD_SCALAR -> addScalar(x, xOff, y, yOff, n, param);
            case MUL_SCALAR -> mulScalar(x, xOff, y, yOff, n, param);
            case EXP -> VectorMath.exp(x, xOff, 0f, y, yOff, n, new float[L]);
            case LOG -> VectorMath.log(x, xOff, y, yOff, n);
            case SQRT -> sqrt(x, xOff, y, yOff, n);
            case TANH -> VectorMath.tanh(x, xOff, y, yOff, n);
            case POW -> VectorPow.pow(x, xOff, y, yOff, n, param);
            case RELU -> relu(x, xOff, y, yOff, n);
        }
    }

    private static void addScalar(float[] x, int xOff, float[] y, int yOff, int n, float p) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) FloatVector.fromArray(S, x, xOff + i).add(p).intoArray(y, yOff + i);
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, x, xOff + bound, m).add(p).intoArray(y, yOff + bound, m);
        }
    }

    private static void mulScalar(float[] x, int xOff, float[] y, int yOff, int n, float p) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) FloatVector.fromArray(S, x, xOff + i).mul(p).intoArray(y, yOff + i);
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, x, xOff + bound, m).mul(p).intoArray(y, yOff + bound, m);
        }
    }

    private static void sqrt(float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) FloatVector.fromArray(S, x, xOff + i).sqrt().intoArray(y, yOff + i);
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, x, xOff + bound, m).sqrt().intoArray(y, yOff + bound, m);
        }
    }

    /** x > 0 ? x : 0, so NaN and -0 give +0 exactly as the scalar reference. */
    private static void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + bound, m);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yOff + bound, m);
        }
    }

    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        // One loop per operator: the Vector API needs the operator to be a constant where lanewise is called.
        switch (op) {
            case ADD -> add(a, aOff, b, bOff, y, yOff, n);
            case SUB -> sub(a, aOff, b, bOff, y, yOff, n);
            case MUL -> mul(a, aOff, b, bOff, y, yOff, n);
            case DIV -> div(a, aOff, b, bOff, y, yOff, n);
        }
    }

    private static void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, a, aOff + bound, m).add(FloatVector.fromArray(S, b, bOff + bound, m)).intoArray(y, yOff + bound, m);
        }
    }

    private static void sub(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, a, aOff + bound, m).sub(FloatVector.fromArray(S, b, bOff + bound, m)).intoArray(y, yOff + bound, m);
        }
    }

    private static void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, a, aOff + bound, m).mul(FloatVector.fromArray(S, b, bOff + bound, m)).intoArray(y, yOff + bound, m);
        }
    }

    private static void div(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, a, aOff + i).div(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, a, aOff + bound, m).div(FloatVector.fromArray(S, b, bOff + bound, m)).intoArray(y, yOff + bound, m);
        }
    }

    /** y += alpha x, rounding the product and the sum separately as the scalar reference does. */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            FloatVector.fromArray(S, x, xOff + bound, m).mul(alpha).add(FloatVector.fromArray(S, y, yOff + bound, m))
                    .intoArray(y, yOff + bound, m);
        }
    }

    /** Sum in a fixed order (float vector partials per block, then double): the same bits every run. */
    public static double sum(float[] x, int xOff, int n) { return blockSum(x, xOff, n, new float[L]); }

    // ------------------------------------------------------------------------------------------ reductions

    /** Sum of x[off, off + n): two float vector accumulators per block of BLOCK elements, blocks added in double. */
    private static double blockSum(float[] x, int off, int n, float[] lanes) {
        int bound = S.loopBound(n);
        double s = 0;
        for (int b0 = 0; b0 < n; b0 += BLOCK) {
            int b1 = Math.min(bound, b0 + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            int j = b0;
            for (; j + 2 * L <= b1; j += 2 * L) {
                a0 = a0.add(FloatVector.fromArray(S, x, off + j));
                a1 = a1.add(FloatVector.fromArray(S, x, off + j + L));
            }
            if (j < b1) a0 = a0.add(FloatVector.fromArray(S, x, off + j));
            if (b0 + BLOCK >= n && bound < n) a1 = a1.add(FloatVector.fromArray(S, x, off + bound, S.indexInRange(bound, n)));
            a0.add(a1).intoArray(lanes, 0);
            s += sumLanes(lanes);
        }
        return s;
    }

    /** Dot product of a[aOff, aOff + n) and b[bOff, ...), blocked like {@link #blockSum}. */
    private static double blockDot(float[] a, int aOff, float[] b, int bOff, int n, float[] lanes) {
        int bound = S.loopBound(n);
        double s = 0;
        for (int b0 = 0; b0 < n; b0 += BLOCK) {
            int b1 = Math.min(bound, b0 + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            int j = b0;
            for (; j + 2 * L <= b1; j += 2 * L) {
                a0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), a0);
                a1 = FloatVector.fromArray(S, a, aOff + j + L).fma(FloatVector.fromArray(S, b, bOff + j + L), a1);
            }
            if (j < b1) a0 = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), a0);
            if (b0 + BLOCK >= n && bound < n) {
                VectorMask<Float> m = S.indexInRange(bound, n);
                a1 = FloatVector.fromArray(S, a, aOff + bound, m).fma(FloatVector.fromArray(S, b, bOff + bound, m), a1);
            }
            a0.add(a1).intoArray(lanes, 0);
            s += sumLanes(lanes);
        }
        return s;
    }

    /** The lanes added in double in a fixed pairwise order (short dependency chains, same bits every run). */
    private static double sumLanes(float[] lanes) {
        double s = 0;
        int i = 0;
        for (; i + 4 <= lanes.length; i += 4) s += ((double) lanes[i] + lanes[i + 1]) + ((double) lanes[i + 2] + lanes[i + 3]);
        for (; i < lanes.length; i++) s += lanes[i];
        return s;
    }
}
