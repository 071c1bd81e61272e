package org.ibot4j.runtime.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = x^p for the exponents models use (0, 1, 2, 3, 4, -1, -2, 1/2, -1/2) as Vector API loops with
 * {@link Math#pow}'s special cases (signed zeros, infinities, NaN); results are within 2 ulp of the
 * correctly rounded power. Any other exponent takes the scalar {@link Math#pow} loop: exp(p log x) in float
 * would lose up to |p log x| ulps, and no hot path of the model needs such a power.
 */
final class VectorPow {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();

    private VectorPow() {}

    static void pow(float[] x, int xOff, float[] y, int yOff, int n, float p) {
        int kind;
        if (p == 0f) kind = 0;
        else if (p == 1f) kind = 1;
        else if (p == 2f) kind = 2;
        else if (p == 3f) kind = 3;
        else if (p == 4f) kind = 4;
        else if (p == -1f) kind = 5;
        else if (p == -2f) kind = 6;
        else if (p == 0.5f) kind = 7;
        else if (p == -0.5f) kind = 8;
        else {
            for (int i = 0; i < n; i++) y[yOff + i] = (float) Math.pow(x[xOff + i], p);
            return;
        }
        int full = S.loopBound(n);
        powFull(kind, x, xOff, y, yOff, full);
        if (full < n) {  // the tail through the same loops, on a zero-padded copy
            float[] pad = new float[L];
            VectorMask<Float> m = S.indexInRange(full, n);
            FloatVector.fromArray(S, x, xOff + full, m).intoArray(pad, 0);
            powFull(kind, pad, 0, pad, 0, L);
            FloatVector.fromArray(S, pad, 0).intoArray(y, yOff + full, m);
        }
    }

    /** One loop per exponent, so no vector crosses a call or merges across branches. n is a multiple of L. */
    private static void powFull(int kind, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        switch (kind) {
            case 0 -> { for (int i = 0; i < n; i += L) one.intoArray(y, yOff + i); }  // x^0 = 1, even for NaN
            case 1 -> { for (int i = 0; i < n; i += L) FloatVector.fromArray(S, x, xOff + i).intoArray(y, yOff + i); }
            case 2 -> {
                for (int i = 0; i < n; i += L) { FloatVector v = FloatVector.fromArray(S, x, xOff + i); v.mul(v).intoArray(y, yOff + i); }
            }
            case 3 -> {
                for (int i = 0; i < n; i += L) { FloatVector v = FloatVector.fromArray(S, x, xOff + i); v.mul(v).mul(v).intoArray(y, yOff + i); }
            }
            case 4 -> {
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xOff + i), sq = v.mul(v);
                    sq.mul(sq).intoArray(y, yOff + i);
                }
            }
            case 5 -> { for (int i = 0; i < n; i += L) one.div(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i); }
            case 6 -> {
                for (int i = 0; i < n; i += L) { FloatVector r = one.div(FloatVector.fromArray(S, x, xOff + i)); r.mul(r).intoArray(y, yOff + i); }
            }
            case 7 -> {  // sqrt, with pow's +0 for -0 and +inf for -inf
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                    v.sqrt().add(0f).blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY))
                            .intoArray(y, yOff + i);
                }
            }
            default -> {  // 1/sqrt, with pow's +inf for -0 and +0 for -inf
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xOff + i);
                    one.div(v.sqrt().add(0f)).blend(0f, v.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY)).intoArray(y, yOff + i);
                }
            }
        }
    }
}
