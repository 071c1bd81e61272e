package org.ibot4j.runtime.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.backend.cuda.MapOp;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.IntTensor;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Views and data movement: reshape/permute/transpose/expand/slice/select are views (no copy) when the
 * layout allows; concat/split/index-select/gather/masked-fill/where copy. Each has its backward rule.
 */
public final class ShapeOps {
    private ShapeOps() {}

    // ------------------------------------------------------------ dense copies

    /** A dense copy recorded in the graph (gradient passes straight through). */
    public static Tensor contiguous(Tensor x) {
        Tensor out = x.contiguousCopy();
        return Autograd.record("contiguous", out, g -> new Tensor[] {g}, x);
    }

    /** Copies src's values into dst (same shape, dst may be a strided view). Not recorded. */
    public static void copyInto(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape())) throw new IllegalArgumentException("copy from " + src.shape() + " into " + dst.shape());
        if (dst.device() == Device.CUDA) { CudaOps.copy(src, dst); return; }
        float[] vals = src.toArray();
        if (dst.isContiguous()) { System.arraycopy(vals, 0, dst.array(), dst.offset(), vals.length); return; }
        forEachIndex(dst, (k, p) -> dst.array()[p] = vals[k]);
    }

    public static void fill(Tensor dst, float v) {
        if (dst.device() == Device.CUDA) { CudaOps.fill(dst, v); return; }
        if (dst.isContiguous()) { Arrays.fill(dst.array(), dst.offset(), dst.offset() + dst.size(), v); return; }
        forEachIndex(dst, (k, p) -> dst.array()[p] = v);
    }

    /** Visitor over (row-major position, storage index) of every element of a strided tensor. */
    interface IndexVisitor { void visit(int k, int p); }

    static void forEachIndex(Tensor t, IndexVisitor v) {
        int r = t.rank();
        int n = t.size();
        if (n == 0) return;
        int[] dims = t.dims(), st = t.strides();
        int[] idx = new int[r];
        int p = t.offset();
        for (int k = 0; k < n; k++) {
            v.visit(k, p);
            for (int i = r - 1; i >= 0; i--) {
                idx[i]++;
                p += st[i];
                if (idx[i] < dims[i]) break;
                p -= st[i] * dims[i];
                idx[i] = 0;
            }
        }
    }

    // ------------------------------------------------------------ views

    public static Tensor reshape(Tensor x, int... dims) {
        Shape target = x.shape().resolveReshape(dims);
        Tensor base = x.isContiguous() ? x : x.contiguousCopy();
        Tensor out = Tensor.view(base.storage(), base.offset(), target, target.contiguousStrides());
        Shape orig = x.shape();
        return Autograd.record("reshape", out, g -> new Tensor[] {g.reshape(orig.dims())}, x);
    }

    public static Tensor flatten(Tensor x, int startDim, int endDim) {
        int s = x.shape().axis(startDim), e = x.shape().axis(endDim);
        int[] d = x.dims();
        int[] nd = new int[d.length - (e - s)];
        int j = 0;
        for (int i = 0; i < s; i++) nd[j++] = d[i];
        int prod = 1;
        for (int i = s; i <= e; i++) prod *= d[i];
        nd[j++] = prod;
        for (int i = e + 1; i < d.length; i++) nd[j++] = d[i];
        return reshape(x, nd);
    }

    public static Tensor permute(Tensor x, int... order) {
        int r = x.rank();
        if (order.length != r) throw new IllegalArgumentException("permute order " + Arrays.toString(order) + " for rank " + r);
        int[] d = x.dims(), st = x.strides();
        int[] nd = new int[r], ns = new int[r], inv = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int a = x.shape().axis(order[i]);
            if (seen[a]) throw new IllegalArgumentException("repeated dim in permute " + Arrays.toString(order));
            seen[a] = true;
            nd[i] = d[a]; ns[i] = st[a]; inv[a] = i;
        }
        Tensor out = Tensor.view(x.storage(), x.offset(), Shape.of(nd), ns);
        return Autograd.record("permute", out, g -> new Tensor[] {permute(g, inv)}, x);
    }

    public static Tensor transpose(Tensor x, int d0, int d1) {
        int[] order = new int[x.rank()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int a = x.shape().axis(d0), b = x.shape().axis(d1);
        order[a] = b; order[b] = a;
        return permute(x, order);
    }

    public static Tensor unsqueeze(Tensor x, int dim) {
        int r = x.rank();
        int a = dim < 0 ? dim + r + 1 : dim;
        if (a < 0 || a > r) throw new IllegalArgumentException("unsqueeze dim " + dim + " for rank " + r);
        int[] d = x.dims(), st = x.strides();
        int[] nd = new int[r + 1], ns = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == a) { nd[i] = 1; ns[i] = (a < r ? st[a] * d[a] : 1); }
            else { nd[i] = d[j]; ns[i] = st[j]; j++; }
        }
        Tensor out = Tensor.view(x.storage(), x.offset(), Shape.of(nd), ns);
        Shape orig = x.shape();
        return Autograd.record("unsqueeze", out, g -> new Tensor[] {g.reshape(orig.dims())}, x);
    }

    public static Tensor squeeze(Tensor x, int dim) {
        int a = x.shape().axis(dim);
        if (x.dim(a) != 1) throw new IllegalArgumentException("squeeze dim " + dim + " has size " + x.dim(a) + ", not 1");
        int[] d = x.dims(), st = x.strides();
        int[] nd = new int[d.length - 1], ns = new int[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) if (i != a) { nd[j] = d[i]; ns[j] = st[i]; j++; }
        Tensor out = Tensor.view(x.storage(), x.offset(), Shape.of(nd), ns);
        Shape orig = x.shape();
        return Autograd.record("squeeze", out, g -> new Tensor[] {g.reshape(orig.dims())}, x);
    }

    /** Broadcast view (recorded: backward sums over the expanded axes). */
    public static Tensor expand(Tensor x, int... dims) {
        Tensor out = expandView(x, Shape.of(dims));
        Shape orig = x.shape();
        return Autograd.record("expand", out, g -> new Tensor[] {sumToShape(g, orig)}, x);
    }

    /** Broadcast view with stride 0 on expanded axes; not recorded. */
    public static Tensor expandView(Tensor x, Shape target) {
        int r = target.rank(), xr = x.rank();
        if (xr > r) throw new IllegalArgumentException("cannot expand " + x.shape() + " to " + target);
        int[] d = x.dims(), st = x.strides();
        int[] ns = new int[r];
        for (int i = 0; i < r; i++) {
            int xi = i - (r - xr);
            if (xi < 0) { ns[i] = 0; continue; }
            if (d[xi] == target.dim(i)) ns[i] = st[xi];
            else if (d[xi] == 1) ns[i] = 0;
            else throw new IllegalArgumentException("cannot expand " + x.shape() + " to " + target);
        }
        return Tensor.view(x.storage(), x.offset(), target, ns);
    }

    public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int a = x.shape().axis(dim);
        int n = x.dim(a);
        if (step <= 0) throw new IllegalArgumentException("slice step must be positive");
        int s = Math.max(0, Math.min(n, start < 0 ? start + n : start));
        int e = Math.max(s, Math.min(n, end < 0 ? end + n : end));
        int len = (e - s + step - 1) / step;
        int[] st = x.strides();
        int off = x.offset() + s * st[a];
        st[a] *= step;
        Tensor out = Tensor.view(x.storage(), off, x.shape().with(a, len), st);
        Shape orig = x.shape();
        int fs = s;
        return Autograd.record("slice", out, g -> {
            Tensor gx = Tensor.zeros(orig, g.device());
            copyInto(g, slice(gx, a, fs, fs + len * step, step));
            return new Tensor[] {gx};
        }, x);
    }

    public static Tensor select(Tensor x, int dim, int index) {
        int a = x.shape().axis(dim);
        int n = x.dim(a);
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) throw new IndexOutOfBoundsException("index " + index + " out of range for dim " + dim + " of size " + n);
        return squeeze(slice(x, a, i, i + 1, 1), a);
    }

    public static List<Tensor> split(Tensor x, int splitSize, int dim) {
        int a = x.shape().axis(dim);
        List<Tensor> parts = new ArrayList<>();
        for (int s = 0; s < x.dim(a); s += splitSize) parts.add(slice(x, a, s, Math.min(x.dim(a), s + splitSize), 1));
        return parts;
    }

    // ------------------------------------------------------------ copies

    public static Tensor concat(List<Tensor> parts, int dim) {
        if (parts.isEmpty()) throw new IllegalArgumentException("concat of nothing");
        Tensor first = parts.get(0);
        int a = first.shape().axis(dim);
        int total = 0;
        for (Tensor p : parts) {
            if (p.rank() != first.rank()) throw new IllegalArgumentException("concat rank mismatch: " + p.shape() + " vs " + first.shape());
            for (int i = 0; i < p.rank(); i++)
                if (i != a && p.dim(i) != first.dim(i)) throw new IllegalArgumentException("concat shape mismatch on dim " + i + ": " + p.shape() + " vs " + first.shape());
            total += p.dim(a);
        }
        for (Tensor p : parts)
            if (p.device() != first.device())
                throw new IllegalArgumentException("concat: tensors on " + first.device() + " and " + p.device() + "; move them to one device");
        Tensor out = Tensor.zeros(first.shape().with(a, total), first.device());
        int[] sizes = new int[parts.size()];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            sizes[i] = p.dim(a);
            try (var ng = org.ibot4j.runtime.autograd.GradMode.noGrad()) { copyInto(p, slice(out, a, at, at + sizes[i], 1)); }
            at += sizes[i];
        }
        return Autograd.record("concat", out, g -> {
            Tensor[] gs = new Tensor[sizes.length];
            int o = 0;
            for (int i = 0; i < sizes.length; i++) { gs[i] = slice(g, a, o, o + sizes[i], 1); o += sizes[i]; }
            return gs;
        }, parts.toArray(new Tensor[0]));
    }

    /** Rows {@code index} along {@code dim} (copy). Backward scatters-adds. */
    public static Tensor indexSelect(Tensor x, int dim, int[] index) {
        int a = x.shape().axis(dim);
        int n = x.dim(a);
        for (int i : index) if (i < 0 || i >= n) throw new IndexOutOfBoundsException("index " + i + " out of range for dim of size " + n);
        if (x.device() == Device.CUDA) {  // the indices go up once; values and gradients stay on the device
            var idx = org.ibot4j.runtime.backend.cuda.CudaTensors.uploadInts(index);
            int[] sIdx = new int[x.rank()];
            sIdx[a] = 1;
            Shape os = x.shape().with(a, index.length), xs = x.shape();
            Tensor out = CudaOps.gather(x, a, idx, sIdx, os);
            return Autograd.record("index_select", out, g -> new Tensor[] {CudaOps.scatterAdd(xs, a, idx, sIdx, g)}, x);
        }
        Tensor xc = x.contiguous();
        int outer = x.shape().outer(a), inner = x.shape().inner(a);
        float[] src = xc.array(), dst = new float[outer * index.length * inner];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < index.length; k++)
                System.arraycopy(src, xc.offset() + (o * n + index[k]) * inner, dst, (o * index.length + k) * inner, inner);
        Tensor out = Tensor.of(dst, x.shape().with(a, index.length));
        Shape orig = x.shape();
        return Autograd.record("index_select", out, g -> {
            float[] gg = g.contiguous().toArray(), gx = new float[orig.size()];
            for (int o = 0; o < outer; o++)
                for (int k = 0; k < index.length; k++)
                    for (int j = 0; j < inner; j++) gx[(o * n + index[k]) * inner + j] += gg[(o * index.length + k) * inner + j];
            return new Tensor[] {Tensor.of(gx, orig)};
        }, x);
    }

    /** {@code out[i][j][k] = x[i][index[i][j][k]][k]} for dim 1 (torch.gather semantics, any dim). */
    public static Tensor gather(Tensor x, int dim, IntTensor index) {
        int a = x.shape().axis(dim);
        Shape is = index.shape();
        if (is.rank() != x.rank()) throw new IllegalArgumentException("gather index rank " + is.rank() + " != input rank " + x.rank());
        for (int i = 0; i < is.rank(); i++)
            if (i != a && is.dim(i) > x.dim(i)) throw new IllegalArgumentException("gather index shape " + is + " exceeds input " + x.shape());
        if (x.device() == Device.CUDA) {
            for (int v : index.data())
                if (v < 0 || v >= x.dim(a)) throw new IndexOutOfBoundsException("gather index " + v + " out of range for dim of size " + x.dim(a));
            var idx = org.ibot4j.runtime.backend.cuda.CudaTensors.uploadInts(index.data());
            int[] sIdx = is.contiguousStrides();
            Shape xs = x.shape();
            Tensor out = CudaOps.gather(x, a, idx, sIdx, is);
            return Autograd.record("gather", out, g -> new Tensor[] {CudaOps.scatterAdd(xs, a, idx, sIdx, g)}, x);
        }
        Tensor xc = x.contiguous();
        int[] xs = xc.shape().contiguousStrides();
        int[] pos = new int[is.size()];
        int[] idx = new int[is.rank()];
        int[] id = is.dims();
        for (int k = 0; k < pos.length; k++) {
            int p = 0;
            for (int i = 0; i < idx.length; i++) {
                int v = i == a ? index.data()[k] : idx[i];
                if (i == a && (v < 0 || v >= x.dim(a))) throw new IndexOutOfBoundsException("gather index " + v + " out of range for dim of size " + x.dim(a));
                p += v * xs[i];
            }
            pos[k] = p;
            for (int i = idx.length - 1; i >= 0; i--) { if (++idx[i] < id[i]) break; idx[i] = 0; }
        }
        float[] src = xc.array(), dst = new float[pos.length];
        for (int k = 0; k < pos.length; k++) dst[k] = src[xc.offset() + pos[k]];
        Tensor out = Tensor.of(dst, is);
        Shape orig = x.shape();
        return Autograd.record("gather", out, g -> {
            float[] gg = g.contiguous().toArray(), gx = new float[orig.size()];
            for (int k = 0; k < pos.length; k++) gx[pos[k]] += gg[k];
            return new Tensor[] {Tensor.of(gx, orig)};
        }, x);
    }

    /** x where mask is zero, {@code value} where it is nonzero (mask broadcast to x). */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        if (x.device() == Device.CUDA) {
            CudaOps.requireDevice("masked_fill", mask);
            Tensor m = expandView(mask, x.shape());
            Tensor out = CudaOps.map(MapOp.MASKED_FILL, value, x.shape(), x, m, null);
            return Autograd.record("masked_fill", out, g -> new Tensor[] {CudaOps.map(MapOp.MASKED_FILL, 0f, g.shape(), g, m, null)}, x);
        }
        float[] m = expandView(mask, x.shape()).toArray();
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) if (m[i] != 0f) v[i] = value;
        Tensor out = Tensor.of(v, x.shape());
        return Autograd.record("masked_fill", out, g -> {
            float[] gg = g.toArray();
            for (int i = 0; i < gg.length; i++) if (m[i] != 0f) gg[i] = 0f;
            return new Tensor[] {Tensor.of(gg, g.shape())};
        }, x);
    }

    /** cond ? a : b with broadcasting over all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Shape s = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape()), b.shape());
        if (cond.device() == Device.CUDA || a.device() == Device.CUDA || b.device() == Device.CUDA) {
            CudaOps.requireDevice("where", cond, a, b);
            Tensor c = expandView(cond, s);
            Tensor out = CudaOps.map(MapOp.WHERE, 0f, s, c, expandView(a, s), expandView(b, s));
            return Autograd.record("where", out, g -> {
                Tensor zero = Tensor.zeros(Shape.of(), Device.CUDA);
                Tensor z = expandView(zero, s);
                return new Tensor[] {CudaOps.map(MapOp.WHERE, 0f, s, c, g, z), CudaOps.map(MapOp.WHERE, 0f, s, c, z, g)};
            }, a, b);
        }
        float[] c = expandView(cond, s).toArray(), av = expandView(a, s).toArray(), bv = expandView(b, s).toArray();
        float[] y = new float[s.size()];
        for (int i = 0; i < y.length; i++) y[i] = c[i] != 0f ? av[i] : bv[i];
        Tensor out = Tensor.of(y, s);
        return Autograd.record("where", out, g -> {
            float[] gg = g.toArray(), ga = new float[gg.length], gb = new float[gg.length];
            for (int i = 0; i < gg.length; i++) { if (c[i] != 0f) ga[i] = gg[i]; else gb[i] = gg[i]; }
            return new Tensor[] {Tensor.of(ga, s), Tensor.of(gb, s)};
        }, a, b);
    }

    /** Sums a broadcast gradient back down to {@code target} (leading dims and size-1 dims). */
    public static Tensor sumToShape(Tensor g, Shape target) {
        if (g.shape().equals(target)) return g;
        int r = g.rank(), tr = target.rank();
        if (tr > r) throw new IllegalArgumentException("cannot reduce " + g.shape() + " to " + target);
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            int ti = i - (r - tr);
            if (ti < 0 || (target.dim(ti) == 1 && g.dim(i) != 1)) dims.add(i);
        }
        Tensor s = dims.isEmpty() ? g : Reduce.sum(g, dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(target.dims());
    }
}
