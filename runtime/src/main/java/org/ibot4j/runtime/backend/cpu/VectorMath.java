package org.ibot4j.runtime.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float transcendental functions over whole vectors (exp, log, tanh, erf, the normal CDF), built only from
 * exactly specified lanewise operations (fma, division, min/max, integer bit work, blends). A lane therefore
 * gets the same bits whether or not the JIT has compiled the caller, and whatever position its element has in
 * the array, which keeps the vector kernels deterministic across thread counts and warm-up.
 *
 * <p>The polynomial coefficients are minimax fits made for this project against 40-digit references
 * (mpmath), with the coefficients rounded to float one at a time and the rest re-fitted. Measured accuracy
 * (see {@code VectorMathTest}/{@code ErfTest}): exp, log, tanh within 2 ulp; erf within 1e-7 absolute;
 * the normal CDF within 5e-7 relative.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {}

    // ---- exp: x = n ln2 + r, |r| <= ln2/2, exp(r) = 1 + r + r^2 Q(r), times 2^n built from exponent bits.
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145751953125f;     // ln 2 with its low 12 bits zero
    private static final float LN2_LO = 1.42860682e-6f;         // ln 2 - LN2_HI
    private static final float ROUND = 12582912f;               // 1.5 * 2^23: adding it rounds to an integer
    private static final int ROUND_BITS = 0x4B400000;           // Float.floatToIntBits(ROUND)
    private static final float EXP_MIN = -104f, EXP_MAX = 89f;  // exp underflows to 0 / overflows to inf beyond
    private static final float E0 = 0.49999994f, E1 = 0.16666521f, E2 = 0.041668247f, E3 = 0.008368667f, E4 = 0.0013822506f;

    /** e^x per lane; NaN stays NaN, the result underflows gradually (subnormals) and overflows to infinity. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = xc.fma(LOG2E, ROUND);                 // round(x log2 e) + 1.5*2^23
        FloatVector n = t.sub(ROUND);
        FloatVector r = fma(n, -LN2_HI, xc);
        r = fma(n, -LN2_LO, r);
        FloatVector q = r.fma(E4, E3);
        q = step(q, r, E2);
        q = step(q, r, E1);
        q = step(q, r, E0);
        FloatVector p = r.mul(r).fma(q, r).add(1f);
        // 2^n as two factors so that n down to -150 (subnormal results) and up to 128 stay representable.
        IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    // ---- log: x = 2^k m, m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f/(2+f), log(1+f) = f + s (s^2 P(s^2) - f).
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final float LG0 = 0.66666776f, LG1 = 0.39977592f, LG2 = 0.29870433f;

    /** Natural log per lane, with IEEE special cases: log(0) = -inf, log(negative) = NaN, log(inf) = inf. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.mul(0x1p23f, subnormal);
        IntVector ix = xs.reinterpretAsInts().sub(SQRT_HALF_BITS);
        IntVector k = ix.lanewise(VectorOperators.ASHR, 23);
        FloatVector m = ix.and(0x007fffff).add(SQRT_HALF_BITS).reinterpretAsFloats();
        FloatVector kf = (FloatVector) k.convert(VectorOperators.I2F, 0);
        kf = kf.sub(23f, subnormal);
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector rz = z.fma(LG2, LG1);
        rz = step(rz, z, LG0).mul(z);
        FloatVector log1p = rz.sub(f).fma(s, f);
        FloatVector result = fma(kf, LN2_LO, log1p);
        result = fma(kf, LN2_HI, result);
        result = result.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        result = result.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return result.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.test(VectorOperators.IS_NAN)));
    }

    // ---- tanh: x + x^3 P(x^2) for |x| < 0.625, else sign(x) (1 - 2 / (e^{2|x|} + 1)).
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -0.3333328f, T1 = 0.1333141f, T2 = -0.053737123f, T3 = 0.020630697f, T4 = -0.005695598f;

    /** Hyperbolic tangent per lane. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector w = x.mul(x);
        FloatVector p = w.fma(T4, T3);
        p = step(p, w, T2);
        p = step(p, w, T1);
        p = step(p, w, T0);
        FloatVector small = x.mul(w).fma(p, x).blend(x, x.compare(VectorOperators.EQ, 0f));  // tanh(-0) = -0
        FloatVector big = exp(a.add(a)).add(1f);
        big = FloatVector.broadcast(S, 2f).div(big).neg().add(1f);
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return small.blend(big, a.compare(VectorOperators.GE, TANH_SMALL));
    }

    // ---- normal CDF Phi(x): 1/2 + x P(x^2) for |x| < 1.5; else the tail Phi(-|x|) = e^{-x^2/2} M(1/(1+|x|/2)).
    private static final float PHI_SMALL = 1.5f;
    private static final float P0 = 0.39894226f, P1 = -0.066490114f, P2 = 0.0099724345f, P3 = -0.0011852297f,
            P4 = 0.00011340408f, P5 = -8.37331e-06f, P6 = 3.635908e-07f;
    private static final float M0 = -1.5829731e-07f, M1 = 0.19948113f, M2 = 0.19923443f, M3 = 0.15255058f,
            M4 = 0.028053418f, M5 = 0.038209494f, M6 = -0.3988488f, M7 = 0.42918402f, M8 = -0.14955711f;

    /** e^{-x^2/2} per lane, with x^2 split into two floats so the result keeps float accuracy for large |x|. */
    static FloatVector gaussian(FloatVector x) { return expNegSquare(x.abs().min(20f), -0.5f); }

    /** The standard normal CDF, given {@code g = gaussian(x)} (shared with the GELU derivative). */
    static FloatVector normalCdf(FloatVector x, FloatVector g) {
        FloatVector w = x.mul(x);
        FloatVector q = w.fma(P6, P5);
        q = step(q, w, P4);
        q = step(q, w, P3);
        q = step(q, w, P2);
        q = step(q, w, P1);
        FloatVector small = fma(x, P0, x.mul(w).mul(q)).add(0.5f);
        FloatVector a = x.abs();
        FloatVector u = FloatVector.broadcast(S, 1f).div(a.fma(0.5f, 1f));
        FloatVector m = u.fma(M8, M7);
        m = step(m, u, M6);
        m = step(m, u, M5);
        m = step(m, u, M4);
        m = step(m, u, M3);
        m = step(m, u, M2);
        m = step(m, u, M1);
        m = step(m, u, M0);
        FloatVector tail = g.mul(m);
        FloatVector big = tail.neg().add(1f).blend(tail, x.compare(VectorOperators.LT, 0f));
        return small.blend(big, a.compare(VectorOperators.GE, PHI_SMALL));
    }

    // ---- erf: z R(z^2) for |z| < 1.25; else sign(z) (1 - e^{-z^2} K(1/(1+|z|/2))).
    private static final float ERF_SMALL = 1.25f;
    private static final float R0 = 1.1283791f, R1 = -0.37612486f, R2 = 0.11282666f, R3 = -0.026829172f,
            R4 = 0.0051599676f, R5 = -0.0007925523f, R6 = 8.615812e-05f, R7 = -4.521342e-06f;
    private static final float K0 = -1.2448248e-06f, K1 = 0.28212535f, K2 = 0.281805f, K3 = 0.24800508f,
            K4 = 0.1763803f, K5 = 0.063228615f, K6 = 0.08380785f, K7 = -0.23061317f, K8 = 0.095964506f;

    /** The error function per lane, within 1e-7 absolute of the exact value. */
    static FloatVector erf(FloatVector z) {
        FloatVector w = z.mul(z);
        FloatVector q = w.fma(R7, R6);
        q = step(q, w, R5);
        q = step(q, w, R4);
        q = step(q, w, R3);
        q = step(q, w, R2);
        q = step(q, w, R1);
        FloatVector small = fma(z, R0, z.mul(w).mul(q)).blend(z, z.compare(VectorOperators.EQ, 0f));  // erf(-0) = -0
        FloatVector a = z.abs();
        FloatVector u = FloatVector.broadcast(S, 1f).div(a.fma(0.5f, 1f));
        FloatVector k = u.fma(K8, K7);
        k = step(k, u, K6);
        k = step(k, u, K5);
        k = step(k, u, K4);
        k = step(k, u, K3);
        k = step(k, u, K2);
        k = step(k, u, K1);
        k = step(k, u, K0);
        FloatVector big = expNegSquare(a.min(12f), -1f).mul(k).neg().add(1f);
        big = big.blend(big.neg(), z.compare(VectorOperators.LT, 0f));
        return small.blend(big, a.compare(VectorOperators.GE, ERF_SMALL));
    }

    /** exp(c a^2) for c in {-1, -1/2}: a^2 = hi + lo exactly, exp(c hi) (1 + c lo). */
    private static FloatVector expNegSquare(FloatVector a, float c) {
        FloatVector hi = a.mul(a);
        FloatVector lo = a.fma(a, hi.neg());
        FloatVector e = exp(hi.mul(c));
        return e.fma(lo.mul(c), e);
    }

    /** One Horner step: acc * x + c. */
    private static FloatVector step(FloatVector acc, FloatVector x, float c) {
        return acc.lanewise(VectorOperators.FMA, x, c);
    }

    /** a * b + c with a scalar b. */
    private static FloatVector fma(FloatVector a, float b, FloatVector c) {
        return a.lanewise(VectorOperators.FMA, b, c);
    }
}
