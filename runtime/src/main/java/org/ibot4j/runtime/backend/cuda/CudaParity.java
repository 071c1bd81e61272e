package org.ibot4j.runtime.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;
import org.ibot4j.runtime.backend.cpu.CpuBackend;

/**
 * Every CUDA backend method against the scalar CPU reference on random inputs (odd sizes, offsets, strides,
 * transposes, masked rows): the checks the GPU tests assert and the GPU check script prints. Kept in main
 * code so the script can run them from the jar on a machine without Maven.
 */
public final class CudaParity {
    /** One comparison: what ran, the largest error relative to (1 + |reference|), and the tolerance. */
    public record Result(String name, double maxError, double tolerance) {
        public boolean ok() { return maxError <= tolerance; }

        @Override public String toString() {
            return String.format("%-40s max_err=%.3e tol=%.1e %s", name, maxError, tolerance, ok() ? "OK" : "FAIL");
        }
    }

    private final CudaBackend gpu;
    private final Backend ref = CpuBackend.scalar();
    private final Random rnd = new Random(42);
    private final List<Result> results = new ArrayList<>();

    private CudaParity(CudaBackend gpu) { this.gpu = gpu; }

    /** Runs all checks on {@code gpu} (FP32 GEMM precision expected for the GEMM tolerances). */
    public static List<Result> run(CudaBackend gpu) {
        CudaParity p = new CudaParity(gpu);
        p.gemms();
        p.rows();
        p.elementwise();
        p.training();
        return List.copyOf(p.results);
    }

    private float[] rand(int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        return x;
    }

    private void compare(String name, float[] expect, float[] got, double tol) {
        double max = 0;
        for (int i = 0; i < expect.length; i++) {
            double e = Math.abs(expect[i] - got[i]) / (1 + Math.abs(expect[i]));
            if (Double.isNaN(e) && !(Float.isNaN(expect[i]) && Float.isNaN(got[i]))) e = Double.POSITIVE_INFINITY;
            if (!Double.isNaN(e)) max = Math.max(max, e);
        }
        results.add(new Result(name, max, tol));
    }

    /** Runs {@code op} on copies for both backends (outputs initialised identically) and compares {@code out}. */
    private void both(String name, double tol, float[][] outs, Consumer<Object[]> op) {
        float[][] a = new float[outs.length][], b = new float[outs.length][];
        for (int i = 0; i < outs.length; i++) { a[i] = outs[i].clone(); b[i] = outs[i].clone(); }
        op.accept(new Object[]{ref, a});
        op.accept(new Object[]{gpu, b});
        for (int i = 0; i < outs.length; i++) compare(outs.length == 1 ? name : name + "[" + i + "]", a[i], b[i], tol);
    }

    private static Backend be(Object[] x) { return (Backend) x[0]; }

    private static float[][] out(Object[] x) { return (float[][]) x[1]; }

    private void gemms() {
        int m = 37, n = 29, k = 45;
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 5, ldc = n + 2;
                float[] a = rand(4 + (ta ? k : m) * lda, 1), b = rand(1 + (tb ? n : k) * ldb, 1);
                float[] c = rand(6 + m * ldc, 1);
                both("sgemm ta=" + ta + " tb=" + tb, 1e-5, new float[][]{c},
                        x -> be(x).sgemm(ta, tb, m, n, k, 0.75f, a, 4, lda, b, 1, ldb, -0.5f, out(x)[0], 6, ldc));
            }
        int batch = 5, bm = 17, bn = 64, bk = 33;
        float[] a = rand(2 + batch * bm * bk, 1), b = rand(bk * bn, 1), c = rand(batch * bm * bn, 1);
        both("sgemmBatched shared B", 1e-5, new float[][]{c}, x -> be(x).sgemmBatched(batch, false, true, bm, bn, bk, 1f,
                a, 2, bm * bk, bk, b, 0, 0, bk, 0f, out(x)[0], 0, bm * bn, bn));
        float[] c0 = rand(3 * 4, 1);
        both("sgemm k=0 (C = beta C)", 0, new float[][]{c0},
                x -> be(x).sgemm(false, false, 3, 4, 0, 1f, new float[0], 0, 0, new float[0], 0, 4, 0.5f, out(x)[0], 0, 4));
        float[] big1 = rand(256 * 512, 1), big2 = rand(512 * 384, 1), bigC = new float[256 * 384];
        both("sgemm 256x384x512", 1e-5, new float[][]{bigC},
                x -> be(x).sgemm(false, false, 256, 384, 512, 1f, big1, 0, 512, big2, 0, 384, 0f, out(x)[0], 0, 384));
    }

    private void rows() {
        for (int cols : new int[]{7, 197, 1000, 8192}) {
            int rows = 13;
            float[] x = rand(3 + rows * cols, 4);
            for (int j = 0; j < cols; j++) x[3 + 2 * cols + j] = Float.NEGATIVE_INFINITY;  // a fully masked row
            for (boolean log : new boolean[]{false, true}) {
                both("softmaxRows cols=" + cols + " log=" + log, 1e-5, new float[][]{new float[rows * cols]},
                        o -> be(o).softmaxRows(x, 3, out(o)[0], 0, rows, cols, log));
                float[] y = new float[rows * cols];
                float[] xs = rand(rows * cols, 4);
                ref.softmaxRows(xs, 0, y, 0, rows, cols, log);
                float[] gy = rand(rows * cols, 1);
                both("softmaxBackwardRows cols=" + cols + " log=" + log, 1e-5, new float[][]{new float[rows * cols + 1]},
                        o -> be(o).softmaxBackwardRows(y, 0, gy, 0, out(o)[0], 1, rows, cols, log));
            }
        }
        for (int cols : new int[]{5, 384, 1000}) {
            int rows = 11;
            float[] x = rand(2 + rows * cols, 3), w = rand(cols, 1), b = rand(cols, 1), gy = rand(rows * cols, 1);
            for (boolean affine : new boolean[]{true, false}) {
                float[] ww = affine ? w : null, bb = affine ? b : null;
                both("layerNormRows cols=" + cols + " affine=" + affine, 1e-5,
                        new float[][]{new float[rows * cols], new float[rows], new float[rows]},
                        o -> be(o).layerNormRows(x, 2, ww, bb, out(o)[0], 0, out(o)[1], out(o)[2], rows, cols, 1e-6f));
                float[] mean = new float[rows], rstd = new float[rows];
                ref.layerNormRows(x, 2, ww, bb, new float[rows * cols], 0, mean, rstd, rows, cols, 1e-6f);
                float[] gw0 = rand(cols, 1), gb0 = rand(cols, 1);
                both("layerNormBackwardRows cols=" + cols + " affine=" + affine, 1e-4,
                        new float[][]{new float[rows * cols], gw0, gb0},
                        o -> be(o).layerNormBackwardRows(x, 2, ww, mean, rstd, gy, 0, out(o)[0], 0, out(o)[1], out(o)[2],
                                rows, cols));
            }
        }
    }

    private void elementwise() {
        int n = 100_003;
        float[] x = rand(n + 1, 5), pos = new float[n + 1], g = rand(n, 1);
        for (int i = 0; i < pos.length; i++) pos[i] = Math.abs(x[i]) + 0.01f;
        both("gelu", 1e-6, new float[][]{new float[n]}, o -> be(o).gelu(x, 1, out(o)[0], 0, n));
        both("geluBackward", 1e-5, new float[][]{new float[n]}, o -> be(o).geluBackward(x, 1, g, 0, out(o)[0], 0, n));
        for (UnaryOp op : UnaryOp.values()) {
            float[] in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW ? pos : x;
            both("unary " + op, 1e-5, new float[][]{new float[n]}, o -> be(o).unary(op, in, 1, out(o)[0], 0, n, 1.7f));
        }
        for (BinaryOp op : BinaryOp.values()) {
            float[] b = op == BinaryOp.DIV ? pos : x;
            both("binary " + op, 1e-6, new float[][]{new float[n]}, o -> be(o).binary(op, x, 0, b, 1, out(o)[0], 0, n));
        }
        both("axpy", 1e-6, new float[][]{rand(n, 1)}, o -> be(o).axpy(-0.3f, x, 1, out(o)[0], 0, n));
        double s0 = ref.sum(x, 1, n), s1 = gpu.sum(x, 1, n);
        results.add(new Result("sum n=" + n, Math.abs(s0 - s1) / (1 + Math.abs(s0)), 1e-9));
    }

    private void training() {
        int n = 70_001;
        float[] p = rand(n, 1), g = rand(n, 1), m = rand(n, 0.1f), v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Math.abs(rand(1, 0.01f)[0]);
        double lr = 5e-4, wd = 0.04, beta1 = 0.9, beta2 = 0.999;
        float b1 = (float) beta1, b2 = (float) beta2, ob1 = (float) (1 - beta1), ob2 = (float) (1 - beta2);
        int t = 3;
        float decay = (float) (1 - lr * wd), neg = (float) -(lr / (1 - Math.pow(beta1, t))), bc2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float[] pe = p.clone(), me = m.clone(), ve = v.clone();
        for (int i = 0; i < n; i++) {  // the arithmetic of optim.AdamW
            float pi = pe[i] * decay, mi = me[i] * b1 + ob1 * g[i], vi = ve[i] * b2 + ob2 * g[i] * g[i];
            me[i] = mi;
            ve[i] = vi;
            pe[i] = pi + neg * mi / ((float) Math.sqrt(vi) / bc2 + 1e-8f);
        }
        float[] pg = p.clone(), mg = m.clone(), vg = v.clone();
        gpu.adamwUpdate(pg, g, mg, vg, n, decay, beta1, beta2, neg, bc2, 1e-8f);
        compare("adamwUpdate p", pe, pg, 1e-6);
        compare("adamwUpdate v", ve, vg, 1e-6);
        float[] te = rand(n, 1), s = rand(n, 1), tg = te.clone();
        float mo = (float) 0.996, om = (float) (1 - 0.996);  // the arithmetic of train.Teacher
        for (int i = 0; i < n; i++) te[i] = te[i] * mo + s[i] * om;
        gpu.emaUpdate(tg, s, n, 0.996);
        compare("emaUpdate", te, tg, 1e-6);
        float[] gr = rand(n, 1), ge = gr.clone();
        double norm = 0;
        for (float f : gr) norm += (double) f * f;
        float nf = (float) Math.sqrt(norm), coef = (1f / (nf + 1e-6f)) * 3f;
        for (int i = 0; i < n; i++) ge[i] *= coef;
        float got = gpu.clipByNorm(gr, n, 3f);
        results.add(new Result("clipByNorm norm", Math.abs(got - nf) / nf, 1e-6));
        compare("clipByNorm grad", ge, gr, 1e-6);
        float[] xs = rand(1000, 100);
        xs[0] = Float.NaN;
        short[] h = gpu.toBf16(xs);
        double bad = 0;
        for (int i = 1; i < xs.length; i++) {
            int bits = Float.floatToRawIntBits(xs[i]);
            short e = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
            if (e != h[i]) bad++;
        }
        if (!Float.isNaN(Float.intBitsToFloat(h[0] << 16))) bad++;
        results.add(new Result("toBf16 (mismatching values)", bad, 0));
        float[] back = gpu.fromBf16(h), backExpect = new float[h.length];
        for (int i = 0; i < h.length; i++) backExpect[i] = Float.intBitsToFloat((h[i] & 0xFFFF) << 16);
        compare("fromBf16", backExpect, back, 0);
        float[] sc = rand(5000, 2), scExpect = sc.clone();
        for (int i = 0; i < sc.length; i++) scExpect[i] *= 0.37f;
        gpu.scale(sc, sc.length, 0.37f);
        compare("scale", scExpect, sc, 0);
    }
}
