package org.ibot4j.runtime.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;

/** Vector API kernels (softmax, layer norm, GELU, elementwise). TODO(helper): vectorise; currently scalar. */
public final class VectorKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorKernels() {}

    /** Which SIMD width is live, for the launcher's banner. */
    public static String describe() { return S.vectorBitSize() + "-bit " + S.length() + "xfloat32"; }

    public static void softmaxRows(float[] x, int xOff, float[] y, int yOff, int r0, int r1, int cols, boolean log) {
        ScalarKernels.softmaxRows(x, xOff, y, yOff, r0, r1, cols, log);
    }

    public static void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff, int r0, int r1, int cols, boolean log) {
        ScalarKernels.softmaxBackwardRows(y, yOff, gy, gyOff, gx, gxOff, r0, r1, cols, log);
    }

    public static void layerNormRows(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                                     int r0, int r1, int cols, float eps) {
        ScalarKernels.layerNormRows(x, xOff, w, b, y, yOff, mean, rstd, r0, r1, cols, eps);
    }

    public static void layerNormBackwardRows(float[] x, int xOff, float[] w, float[] mean, float[] rstd, float[] gy, int gyOff,
                                             float[] gx, int gxOff, float[] gw, float[] gb, int r0, int r1, int cols) {
        ScalarKernels.layerNormBackwardRows(x, xOff, w, mean, rstd, gy, gyOff, gx, gxOff, gw, gb, r0, r1, cols);
    }

    public static void gelu(float[] x, int xOff, float[] y, int yOff, int n) { ScalarKernels.gelu(x, xOff, y, yOff, n); }

    public static void geluBackward(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        ScalarKernels.geluBackward(x, xOff, gy, gyOff, gx, gxOff, n);
    }

    public static void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n, float param) {
        ScalarKernels.unary(op, x, xOff, y, yOff, n, param);
    }

    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        ScalarKernels.binary(op, a, aOff, b, bOff, y, yOff, n);
    }

    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        ScalarKernels.axpy(alpha, x, xOff, y, yOff, n);
    }

    public static double sum(float[] x, int xOff, int n) { return ScalarKernels.sum(x, xOff, n); }
}
