package org.ibot4j.runtime.ops;

import java.util.Arrays;
import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.IntTensor;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/** Sum, mean and max over dimensions (accumulating in double), with backward rules. */
public final class Reduce {
    private Reduce() {}

    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduced = reducedAxes(x.shape(), dims);
        Shape kept = keptShape(x.shape(), reduced);
        if (x.device() == Device.CUDA) {
            Tensor s = CudaOps.sum(x, reduced, kept);
            Tensor result = keepDim ? s : s.reshape(squeezed(x.shape(), reduced).dims());
            Shape in = x.shape();
            return Autograd.record("sum", result, g -> new Tensor[] {ShapeOps.expandView(g.reshape(kept.dims()), in).contiguousCopy()}, x);
        }
        float[] out = new float[kept.size()];
        double[] acc = new double[out.length];
        int[] ks = kept.contiguousStrides();
        int[] xd = x.dims();
        float[] src = x.array();
        int r = x.rank();
        int[] idx = new int[r];
        int[] st = x.strides();
        int n = x.size();
        int p = x.offset(), q = 0;
        for (int k = 0; k < n; k++) {
            acc[q] += src[p];
            for (int i = r - 1; i >= 0; i--) {
                idx[i]++;
                p += st[i];
                if (!reduced[i]) q += ks[i];
                if (idx[i] < xd[i]) break;
                p -= st[i] * xd[i];
                if (!reduced[i]) q -= ks[i] * xd[i];
                idx[i] = 0;
            }
        }
        for (int i = 0; i < out.length; i++) out[i] = (float) acc[i];
        Shape outShape = keepDim ? kept : squeezed(x.shape(), reduced);
        Tensor result = Tensor.of(out, outShape);
        Shape in = x.shape();
        return Autograd.record("sum", result, g -> new Tensor[] {ShapeOps.expandView(g.reshape(kept.dims()), in).contiguousCopy()}, x);
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        boolean[] reduced = reducedAxes(x.shape(), dims);
        int count = 1;
        for (int i = 0; i < reduced.length; i++) if (reduced[i]) count *= x.dim(i);
        return sum(x, dims, keepDim).mul(1f / count);
    }

    public static Tensor max(Tensor x, int dim, boolean keepDim) {
        int a = x.shape().axis(dim);
        if (x.device() == Device.CUDA) {  // values and first arg-max on the device; backward scatters g to the arg-max
            Shape kept = x.shape().with(a, 1), in = x.shape();
            Tensor arg = CudaOps.argmaxBuffer(kept);
            Tensor m = CudaOps.max(x, a, arg);
            Tensor result = keepDim ? m : m.reshape(squeezed(in, single(x.rank(), a)).dims());
            var idx = (org.ibot4j.runtime.tensor.DeviceStorage) arg.storage();
            return Autograd.record("max", result,
                    g -> new Tensor[] {CudaOps.scatterAdd(in, a, idx, kept.contiguousStrides(), g.reshape(kept.dims()))}, x);
        }
        Tensor xc = x.contiguous();
        int outer = x.shape().outer(a), n = x.dim(a), inner = x.shape().inner(a);
        float[] src = xc.array();
        float[] out = new float[outer * inner];
        int[] arg = new int[out.length];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++) {
                int base = xc.offset() + o * n * inner + j;
                float best = src[base];
                int bi = 0;
                for (int i = 1; i < n; i++) {
                    float v = src[base + i * inner];
                    if (v > best || (Float.isNaN(v) && !Float.isNaN(best))) { best = v; bi = i; }
                }
                out[o * inner + j] = best;
                arg[o * inner + j] = bi;
            }
        Shape kept = x.shape().with(a, 1);
        Tensor result = Tensor.of(out, keepDim ? kept : squeezed(x.shape(), single(x.rank(), a)));
        Shape in = x.shape();
        return Autograd.record("max", result, g -> {
            float[] gg = g.contiguous().toArray(), gx = new float[in.size()];
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < inner; j++) gx[o * n * inner + arg[o * inner + j] * inner + j] = gg[o * inner + j];
            return new Tensor[] {Tensor.of(gx, in)};
        }, x);
    }

    /** Index of the first maximum along {@code dim} (dim removed). */
    public static IntTensor argmax(Tensor x, int dim) {
        int a = x.shape().axis(dim);
        if (x.device() == Device.CUDA) {  // on the device; only the indices come back
            Tensor arg = CudaOps.argmax(x, a);
            float[] v = arg.toArray();
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
            return new IntTensor(out, squeezed(x.shape(), single(x.rank(), a)));
        }
        Tensor xc = x.contiguous();
        int outer = x.shape().outer(a), n = x.dim(a), inner = x.shape().inner(a);
        float[] src = xc.array();
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++) {
                int base = xc.offset() + o * n * inner + j;
                float best = src[base];
                int bi = 0;
                for (int i = 1; i < n; i++) if (src[base + i * inner] > best) { best = src[base + i * inner]; bi = i; }
                arg[o * inner + j] = bi;
            }
        return new IntTensor(arg, squeezed(x.shape(), single(x.rank(), a)));
    }

    private static boolean[] single(int rank, int a) { boolean[] r = new boolean[rank]; r[a] = true; return r; }

    private static boolean[] reducedAxes(Shape s, int[] dims) {
        boolean[] r = new boolean[s.rank()];
        for (int d : dims) {
            int a = s.axis(d);
            if (r[a]) throw new IllegalArgumentException("dim " + d + " repeated in " + Arrays.toString(dims));
            r[a] = true;
        }
        return r;
    }

    private static Shape keptShape(Shape s, boolean[] reduced) {
        int[] d = s.dims();
        for (int i = 0; i < d.length; i++) if (reduced[i]) d[i] = 1;
        return Shape.of(d);
    }

    private static Shape squeezed(Shape s, boolean[] reduced) {
        int k = 0;
        for (boolean b : reduced) if (!b) k++;
        int[] d = new int[k];
        for (int i = 0, j = 0; i < reduced.length; i++) if (!reduced[i]) d[j++] = s.dim(i);
        return Shape.of(d);
    }
}
