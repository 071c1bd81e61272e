package org.ibot4j.runtime.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float transcendental functions over spans of arrays (exp, log, tanh, erf, the Gaussian e^{-x^2/2} and the
 * normal CDF), built only from exactly specified lanewise operations (fma, division, min/max, integer bit work,
 * blends). A lane therefore gets the same bits whether or not the JIT has compiled the code, and whatever
 * position its element has in the array: the vector kernels stay deterministic across thread counts.
 *
 * <p>Shape of the code: every loop is its own small method and no vector value crosses a method boundary
 * except through tiny helpers. Composite functions run as several passes over L1-resident tiles
 * ({@link #TILE}); a span's last partial vector is run through the same code on a zero-padded copy. This keeps
 * each compiled loop well inside C2's inlining budget: a vector that has to be boxed because some large
 * helper was not inlined costs ~20x.
 *
 * <p>Polynomial coefficients are minimax fits made for this project against 40-digit references (mpmath),
 * rounded to float one at a time with the rest re-fitted. Accuracy (tested in {@code VectorMathTest},
 * {@code ErfTest}): exp, log, tanh within 2 ulp; erf within 1e-7 absolute; the normal CDF within 5e-7 relative.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Elements per pass of the composite functions, a multiple of L: their temporaries stay in L1. */
    static final int TILE = Math.max(512, L);

    private VectorMath() {}

    /** n rounded up to whole vectors. */
    static int roundUp(int n) { return (n + L - 1) / L * L; }

    // ------------------------------------------------------------------------------------------ exp

    // x = n ln2 + r, |r| <= ln2/2, e^r = 1 + r + r^2 Q(r), then scaled by 2^n built from exponent bits.
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145751953125f;     // ln 2 with its low 12 bits zero
    private static final float LN2_LO = 1.42860682e-6f;         // ln 2 - LN2_HI
    private static final float ROUND = 12582912f;               // 1.5 * 2^23: adding it rounds to an integer
    private static final int ROUND_BITS = 0x4B400000;           // Float.floatToIntBits(ROUND)
    private static final float EXP_MIN = -104f, EXP_MAX = 89f;  // e^x is 0 / infinite in float beyond these
    private static final float E0 = 0.49999994f, E1 = 0.16666521f, E2 = 0.041668247f, E3 = 0.008368667f, E4 = 0.0013822506f;

    /**
     * y[yOff + i] = e^(x[xOff + i] - shift) for i in [0, n); NaN stays NaN, results underflow gradually to
     * subnormals and overflow to infinity. {@code pad} is L floats of scratch for the last partial vector.
     */
    static void exp(float[] x, int xOff, float shift, float[] y, int yOff, int n, float[] pad) {
        int full = S.loopBound(n);
        expFull(x, xOff, shift, y, yOff, full);
        if (full < n) {  // copies by masked vector moves: cheaper than two small arraycopy calls per row
            VectorMask<Float> m = S.indexInRange(full, n);
            FloatVector.fromArray(S, x, xOff + full, m).intoArray(pad, 0);
            expFull(pad, 0, shift, pad, 0, L);
            FloatVector.fromArray(S, pad, 0).intoArray(y, yOff + full, m);
        }
    }

    /** exp over whole vectors: n is a multiple of L. */
    static void expFull(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector xc = FloatVector.fromArray(S, x, xOff + i).sub(shift).max(EXP_MIN).min(EXP_MAX);
            FloatVector t = xc.fma(LOG2E, ROUND);                 // round(x log2 e) + 1.5*2^23
            FloatVector k = t.sub(ROUND);
            FloatVector r = fma(k, -LN2_LO, fma(k, -LN2_HI, xc));
            FloatVector q = step(step(step(r.fma(E4, E3), r, E2), r, E1), r, E0);
            FloatVector p = r.mul(r).fma(q, r).add(1f);
            // 2^k as two factors, so that k from -150 (subnormal results) to 128 stays representable.
            IntVector ki = t.reinterpretAsInts().sub(ROUND_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ki.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            p.mul(s1).mul(s2).intoArray(y, yOff + i);
        }
    }

    // ------------------------------------------------------------------------------------------ log

    // x = 2^k m, m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact), s = f/(2+f), log(1+f) = f + s (s^2 P(s^2) - f).
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final float LG0 = 0.66666776f, LG1 = 0.39977592f, LG2 = 0.29870433f;

    /** Natural log with IEEE special cases: log(0) = -inf, log(negative) = NaN, log(inf) = inf. */
    static void log(float[] x, int xOff, float[] y, int yOff, int n) {
        int full = S.loopBound(n);
        logFull(x, xOff, y, yOff, full);
        if (full < n) {
            float[] pad = new float[L];
            VectorMask<Float> m = S.indexInRange(full, n);
            FloatVector.fromArray(S, x, xOff + full, m).intoArray(pad, 0);
            logFull(pad, 0, pad, 0, L);
            FloatVector.fromArray(S, pad, 0).intoArray(y, yOff + full, m);
        }
    }

    private static void logFull(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMask<Float> subnormal = v.compare(VectorOperators.LT, Float.MIN_NORMAL);
            IntVector ix = v.mul(0x1p23f, subnormal).reinterpretAsInts().sub(SQRT_HALF_BITS);
            FloatVector k = ((FloatVector) ix.lanewise(VectorOperators.ASHR, 23).convert(VectorOperators.I2F, 0)).sub(23f, subnormal);
            FloatVector f = ix.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
            FloatVector s = f.div(f.add(2f));
            FloatVector z = s.mul(s);
            FloatVector rz = step(z.fma(LG2, LG1), z, LG0).mul(z);
            FloatVector log1p = rz.sub(f).fma(s, f);
            FloatVector out = fma(k, LN2_HI, fma(k, LN2_LO, log1p));
            out = out.blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
            out = out.blend(Float.NEGATIVE_INFINITY, v.compare(VectorOperators.EQ, 0f));
            out.blend(Float.NaN, v.compare(VectorOperators.LT, 0f).or(v.test(VectorOperators.IS_NAN))).intoArray(y, yOff + i);
        }
    }

    // ------------------------------------------------------------------------------------------ tanh

    // x + x^3 P(x^2) for |x| < 0.625, else sign(x) (1 - 2 / (e^{2|x|} + 1)).
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -0.3333328f, T1 = 0.1333141f, T2 = -0.053737123f, T3 = 0.020630697f, T4 = -0.005695598f;

    /** Hyperbolic tangent. */
    static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        float[] xb = new float[Math.min(TILE, roundUp(n))], e = new float[xb.length];
        for (int t = 0; t < n; t += TILE) {
            int m = Math.min(TILE, n - t), mm = roundUp(m);
            System.arraycopy(x, xOff + t, xb, 0, m);
            twiceAbs(xb, e, mm);
            expFull(e, 0, 0f, e, 0, mm);
            tanhFinish(xb, e, mm);
            System.arraycopy(e, 0, y, yOff + t, m);
        }
    }

    private static void twiceAbs(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, i).abs();
            a.add(a).intoArray(y, i);
        }
    }

    /** e holds e^{2|x|} and receives tanh(x). */
    private static void tanhFinish(float[] x, float[] e, int n) {
        FloatVector two = FloatVector.broadcast(S, 2f);
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector w = v.mul(v);
            FloatVector p = step(step(step(w.fma(T4, T3), w, T2), w, T1), w, T0);
            FloatVector small = v.mul(w).fma(p, v).blend(v, v.compare(VectorOperators.EQ, 0f));  // tanh(-0) = -0
            FloatVector big = two.div(FloatVector.fromArray(S, e, i).add(1f)).neg().add(1f);
            big = big.blend(big.neg(), v.compare(VectorOperators.LT, 0f));
            small.blend(big, v.abs().compare(VectorOperators.GE, TANH_SMALL)).intoArray(e, i);
        }
    }

    // ------------------------------------------------------------------------------------------ e^{c x^2}

    /**
     * g = e^{c x^2} for c in {-1, -1/2} over whole vectors, with x^2 split exactly into hi + lo so the result
     * keeps float accuracy for large |x| (e^{c hi} (1 + c lo)). {@code lo} is n floats of scratch.
     */
    static void expNegSquareFull(float[] x, float c, float[] g, float[] lo, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector a = FloatVector.fromArray(S, x, i).abs().min(20f);
            FloatVector hi = a.mul(a);
            a.fma(a, hi.neg()).mul(c).intoArray(lo, i);
            hi.mul(c).intoArray(g, i);
        }
        expFull(g, 0, 0f, g, 0, n);
        for (int i = 0; i < n; i += L) {
            FloatVector e = FloatVector.fromArray(S, g, i);
            e.fma(FloatVector.fromArray(S, lo, i), e).intoArray(g, i);
        }
    }

    // ------------------------------------------------------------------------------------------ normal CDF

    // Phi(x) = 1/2 + x P(x^2) for |x| < 1.5; else the tail Phi(-|x|) = e^{-x^2/2} M(1/(1+|x|/2)).
    private static final float PHI_SMALL = 1.5f;
    private static final float P0 = 0.39894226f, P1 = -0.066490114f, P2 = 0.0099724345f, P3 = -0.0011852297f,
            P4 = 0.00011340408f, P5 = -8.37331e-06f, P6 = 3.635908e-07f;
    private static final float M0 = -1.5829731e-07f, M1 = 0.19948113f, M2 = 0.19923443f, M3 = 0.15255058f,
            M4 = 0.028053418f, M5 = 0.038209494f, M6 = -0.3988488f, M7 = 0.42918402f, M8 = -0.14955711f;

    /** The standard normal CDF over whole vectors, given g = e^{-x^2/2} (shared with the GELU derivative). */
    static void normalCdfFull(float[] x, float[] g, float[] c, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {  // the tail formula; reads g before writing c so c may alias g
            FloatVector u = one.div(FloatVector.fromArray(S, x, i).abs().fma(0.5f, 1f));
            FloatVector m = step(step(step(step(u.fma(M8, M7), u, M6), u, M5), u, M4), u, M3);
            m = step(step(step(m, u, M2), u, M1), u, M0);
            FloatVector.fromArray(S, g, i).mul(m).intoArray(c, i);
        }
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i), tail = FloatVector.fromArray(S, c, i);
            FloatVector w = v.mul(v);
            FloatVector q = step(step(step(step(w.fma(P6, P5), w, P4), w, P3), w, P2), w, P1);
            FloatVector small = fma(v, P0, v.mul(w).mul(q)).add(0.5f);
            FloatVector big = tail.neg().add(1f).blend(tail, v.compare(VectorOperators.LT, 0f));
            small.blend(big, v.abs().compare(VectorOperators.GE, PHI_SMALL)).intoArray(c, i);
        }
    }

    /** The standard normal CDF of any span (for tests and callers outside the GELU kernels). */
    static void normalCdf(float[] x, int xOff, float[] y, int yOff, int n) {
        float[] xb = new float[Math.min(TILE, roundUp(n))], g = new float[xb.length], lo = new float[xb.length];
        for (int t = 0; t < n; t += TILE) {
            int m = Math.min(TILE, n - t), mm = roundUp(m);
            System.arraycopy(x, xOff + t, xb, 0, m);
            expNegSquareFull(xb, -0.5f, g, lo, mm);
            normalCdfFull(xb, g, g, mm);
            System.arraycopy(g, 0, y, yOff + t, m);
        }
    }

    // ------------------------------------------------------------------------------------------ erf

    // erf(z) = z R(z^2) for |z| < 1.25; else sign(z) (1 - e^{-z^2} K(1/(1+|z|/2))).
    private static final float ERF_SMALL = 1.25f;
    private static final float R0 = 1.1283791f, R1 = -0.37612486f, R2 = 0.11282666f, R3 = -0.026829172f,
            R4 = 0.0051599676f, R5 = -0.0007925523f, R6 = 8.615812e-05f, R7 = -4.521342e-06f;
    private static final float K0 = -1.2448248e-06f, K1 = 0.28212535f, K2 = 0.281805f, K3 = 0.24800508f,
            K4 = 0.1763803f, K5 = 0.063228615f, K6 = 0.08380785f, K7 = -0.23061317f, K8 = 0.095964506f;

    /** The error function, within 1e-7 absolute of the exact value. */
    static void erf(float[] z, int zOff, float[] y, int yOff, int n) {
        float[] zb = new float[Math.min(TILE, roundUp(n))], e = new float[zb.length], lo = new float[zb.length];
        for (int t = 0; t < n; t += TILE) {
            int m = Math.min(TILE, n - t), mm = roundUp(m);
            System.arraycopy(z, zOff + t, zb, 0, m);
            expNegSquareFull(zb, -1f, e, lo, mm);
            erfFinish(zb, e, mm);
            System.arraycopy(e, 0, y, yOff + t, m);
        }
    }

    /** e holds e^{-z^2} and receives erf(z). */
    private static void erfFinish(float[] z, float[] e, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            FloatVector u = one.div(FloatVector.fromArray(S, z, i).abs().fma(0.5f, 1f));
            FloatVector k = step(step(step(step(u.fma(K8, K7), u, K6), u, K5), u, K4), u, K3);
            k = step(step(step(k, u, K2), u, K1), u, K0);
            FloatVector.fromArray(S, e, i).mul(k).intoArray(e, i);  // erfc(|z|)
        }
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, z, i), erfc = FloatVector.fromArray(S, e, i);
            FloatVector w = v.mul(v);
            FloatVector q = step(step(step(step(step(w.fma(R7, R6), w, R5), w, R4), w, R3), w, R2), w, R1);
            FloatVector small = fma(v, R0, v.mul(w).mul(q)).blend(v, v.compare(VectorOperators.EQ, 0f));  // erf(-0) = -0
            FloatVector big = erfc.neg().add(1f);
            big = big.blend(big.neg(), v.compare(VectorOperators.LT, 0f));
            small.blend(big, v.abs().compare(VectorOperators.GE, ERF_SMALL)).intoArray(e, i);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** One Horner step: acc * x + c. */
    private static FloatVector step(FloatVector acc, FloatVector x, float c) {
        return acc.lanewise(VectorOperators.FMA, x, c);
    }

    /** a * b + c with a scalar b. */
    private static FloatVector fma(FloatVector a, float b, FloatVector c) {
        return a.lanewise(VectorOperators.FMA, b, c);
    }
}
