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
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) apply(kind, FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        if (bound < n) {
            VectorMask<Float> m = S.indexInRange(bound, n);
            apply(kind, FloatVector.fromArray(S, x, xOff + bound, m)).intoArray(y, yOff + bound, m);
        }
    }

    private static FloatVector apply(int kind, FloatVector v) {
        return switch (kind) {
            case 0 -> FloatVector.broadcast(S, 1f);                       // x^0 = 1, even for NaN
            case 1 -> v;
            case 2 -> v.mul(v);
            case 3 -> v.mul(v).mul(v);
            case 4 -> { FloatVector s = v.mul(v); yield s.mul(s); }
            case 5 -> FloatVector.broadcast(S, 1f).div(v);
            case 6 -> { FloatVector r = FloatVector.broadcast(S, 1f).div(v); yield r.mul(r); }
            case 7 -> v.sqrt().add(0f)                                      // +0 for -0
                    .blend(Float.POSITIVE_INFINITY, v.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
            default -> FloatVector.broadcast(S, 1f).div(v.sqrt().add(0f))
                    .blend(0f, v.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
        };
    }
}
