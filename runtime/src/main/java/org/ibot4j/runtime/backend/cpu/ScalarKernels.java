package org.ibot4j.runtime.backend.cpu;

import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;

/**
 * Scalar reference kernels: the plainest correct loops, accumulating in double where it matters.
 * Every Vector API kernel in {@link VectorKernels} is tested against these.
 */
public final class ScalarKernels {
    private ScalarKernels() {}

    public static void softmaxRows(float[] x, int xOff, float[] y, int yOff, int r0, int r1, int cols, boolean log) {
        for (int r = r0; r < r1; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[xi + j]);
            if (max == Float.NEGATIVE_INFINITY) max = 0f;  // a fully masked row: keep NaN-free arithmetic
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.exp(x[xi + j] - max);
            if (log) {
                double lse = Math.log(sum);
                for (int j = 0; j < cols; j++) y[yi + j] = (float) (x[xi + j] - max - lse);
            } else {
                for (int j = 0; j < cols; j++) y[yi + j] = (float) (Math.exp(x[xi + j] - max) / sum);
            }
        }
    }

    public static void softmaxBackwardRows(float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff,
                                           int r0, int r1, int cols, boolean log) {
        for (int r = r0; r < r1; r++) {
            int yi = yOff + r * cols, gi = gyOff + r * cols, xi = gxOff + r * cols;
            double dot = 0;
            if (log) {
                for (int j = 0; j < cols; j++) dot += gy[gi + j];
                for (int j = 0; j < cols; j++) gx[xi + j] = (float) (gy[gi + j] - Math.exp(y[yi + j]) * dot);
            } else {
                for (int j = 0; j < cols; j++) dot += (double) gy[gi + j] * y[yi + j];
                for (int j = 0; j < cols; j++) gx[xi + j] = (float) (y[yi + j] * (gy[gi + j] - dot));
            }
        }
    }

    public static void layerNormRows(float[] x, int xOff, float[] w, float[] b, float[] y, int yOff, float[] mean, float[] rstd,
                                     int r0, int r1, int cols, float eps) {
        for (int r = r0; r < r1; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += x[xi + j];
            double mu = s / cols;
            double v = 0;
            for (int j = 0; j < cols; j++) { double d = x[xi + j] - mu; v += d * d; }
            double rs = 1.0 / Math.sqrt(v / cols + eps);
            mean[r] = (float) mu;
            rstd[r] = (float) rs;
            for (int j = 0; j < cols; j++) {
                double h = (x[xi + j] - mu) * rs;
                if (w != null) h *= w[j];
                if (b != null) h += b[j];
                y[yi + j] = (float) h;
            }
        }
    }

    public static void layerNormBackwardRows(float[] x, int xOff, float[] w, float[] mean, float[] rstd, float[] gy, int gyOff,
                                             float[] gx, int gxOff, float[] gw, float[] gb, int r0, int r1, int cols) {
        for (int r = r0; r < r1; r++) {
            int xi = xOff + r * cols, gi = gyOff + r * cols, oi = gxOff + r * cols;
            double mu = mean[r], rs = rstd[r];
            double sumG = 0, sumGX = 0;
            for (int j = 0; j < cols; j++) {
                double xhat = (x[xi + j] - mu) * rs;
                double g = gy[gi + j] * (w == null ? 1.0 : w[j]);
                sumG += g;
                sumGX += g * xhat;
                if (gw != null) gw[j] += (float) (gy[gi + j] * xhat);
                if (gb != null) gb[j] += gy[gi + j];
            }
            if (gx != null) {
                for (int j = 0; j < cols; j++) {
                    double xhat = (x[xi + j] - mu) * rs;
                    double g = gy[gi + j] * (w == null ? 1.0 : w[j]);
                    gx[oi + j] = (float) (rs * (g - sumG / cols - xhat * sumGX / cols));
                }
            }
        }
    }

    public static void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        }
    }

    public static void geluBackward(float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff, int n) {
        double invSqrt2Pi = 1 / Math.sqrt(2 * Math.PI);
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double cdf = 0.5 * (1 + Erf.erf(v / Math.sqrt(2)));
            double pdf = invSqrt2Pi * Math.exp(-0.5 * v * v);
            gx[gxOff + i] = (float) (gy[gyOff + i] * (cdf + v * pdf));
        }
    }

    public static void unary(UnaryOp op, float[] x, int xOff, float[] y, int yOff, int n, float param) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = switch (op) {
                case ADD_SCALAR -> v + param;
                case MUL_SCALAR -> v * param;
                case EXP -> (float) Math.exp(v);
                case LOG -> (float) Math.log(v);
                case SQRT -> (float) Math.sqrt(v);
                case TANH -> (float) Math.tanh(v);
                case POW -> (float) Math.pow(v, param);
                case RELU -> v > 0 ? v : 0f;
            };
        }
    }

    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float u = a[aOff + i], v = b[bOff + i];
            y[yOff + i] = switch (op) {
                case ADD -> u + v;
                case SUB -> u - v;
                case MUL -> u * v;
                case DIV -> u / v;
            };
        }
    }

    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    public static double sum(float[] x, int xOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        return s;
    }
}
