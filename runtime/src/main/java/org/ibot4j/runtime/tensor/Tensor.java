package org.ibot4j.runtime.tensor;

import java.util.Arrays;
import java.util.List;
import org.ibot4j.runtime.autograd.Autograd;
import org.ibot4j.runtime.autograd.Node;
import org.ibot4j.runtime.backend.cuda.CudaOps;
import org.ibot4j.runtime.backend.cuda.CudaTensors;
import org.ibot4j.runtime.ops.Elementwise;
import org.ibot4j.runtime.ops.MatMul;
import org.ibot4j.runtime.ops.Reduce;
import org.ibot4j.runtime.ops.ShapeOps;
import org.ibot4j.runtime.ops.Softmax;
import org.ibot4j.runtime.random.Rng;

/**
 * An n-dimensional float32 array: a (possibly strided) view of a {@link Storage}, plus autograd state.
 *
 * <p>Views (reshape of contiguous data, permute/transpose, slice, expand) share storage; kernels that need
 * dense rows call {@link #contiguous()}. Ops are instance methods here for readability and live in
 * {@code org.ibot4j.runtime.ops}, one family per class, each with its backward rule.
 */
public final class Tensor {
    private Storage storage;  // replaced only by relocate(), on dense leaves
    private final int offset;
    private final Shape shape;
    private final int[] strides;

    private boolean requiresGrad;
    private boolean retainGrad;
    private Tensor grad;
    private Node gradFn;
    private DType savedDType = DType.F32; // set only by withSavedDType, on a fresh view

    private Tensor(Storage storage, int offset, Shape shape, int[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---------------------------------------------------------------- factories

    /** A view over existing storage (no copy). Strides are in elements and may be 0 (broadcast). */
    public static Tensor view(Storage storage, int offset, Shape shape, int[] strides) {
        if (strides.length != shape.rank()) throw new IllegalArgumentException("strides rank != shape rank");
        return new Tensor(storage, offset, shape, strides.clone());
    }

    /** Wraps {@code data} (no copy) as a contiguous tensor. */
    public static Tensor of(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != data.length)
            throw new IllegalArgumentException(data.length + " values cannot fill shape " + s);
        return new Tensor(new HeapStorage(data), 0, s, s.contiguousStrides());
    }

    public static Tensor of(float[] data, Shape shape) { return of(data, shape.dims()); }

    public static Tensor scalar(float v) { return of(new float[] {v}); }

    public static Tensor zeros(int... dims) { return zeros(Shape.of(dims)); }

    public static Tensor zeros(Shape s) { return new Tensor(new HeapStorage(new float[s.size()]), 0, s, s.contiguousStrides()); }

    /** Zeros on {@code device}. */
    public static Tensor zeros(Shape s, Device device) { return device == Device.CUDA ? CudaTensors.zeros(s) : zeros(s); }

    public static Tensor ones(int... dims) { return full(Shape.of(dims), 1f); }

    public static Tensor full(Shape s, float v) {
        float[] d = new float[s.size()];
        Arrays.fill(d, v);
        return of(d, s);
    }

    /** Standard normal samples from {@code rng}. */
    public static Tensor randn(Rng rng, int... dims) {
        float[] d = new float[Shape.of(dims).size()];
        for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextGaussian();
        return of(d, dims);
    }

    /** Uniform samples in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... dims) {
        float[] d = new float[Shape.of(dims).size()];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return of(d, dims);
    }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return of(d, n);
    }

    // ---------------------------------------------------------------- geometry

    public Shape shape() { return shape; }

    public int[] dims() { return shape.dims(); }

    public int dim(int i) { return shape.dim(i); }

    public int rank() { return shape.rank(); }

    public int size() { return shape.size(); }

    public int[] strides() { return strides.clone(); }

    public int stride(int i) { return strides[shape.axis(i)]; }

    public int offset() { return offset; }

    public Storage storage() { return storage; }

    public Device device() { return storage.device(); }

    /** The heap array behind this CPU tensor (shared with views: mind {@link #offset()} and strides). */
    public float[] array() {
        if (storage instanceof HeapStorage h) return h.data();
        throw new IllegalStateException("tensor " + shape + " is on " + storage.device()
                + ": its values are reached with toArray() or to(Device.CPU), not through a heap array");
    }

    /**
     * This tensor's values on {@code target}: itself when already there, else a dense copy. Recorded in the graph,
     * so the gradient moves back to this tensor's device.
     */
    public Tensor to(Device target) {
        if (target == device()) return this;
        Tensor out = target == Device.CUDA ? CudaTensors.upload(this) : of(toArray(), shape);
        Device back = device();
        return Autograd.record("to_" + target.name().toLowerCase(), out, g -> new Tensor[] {g.to(back)}, this);
    }

    /**
     * Moves a dense leaf (e.g. a parameter) to {@code target} in place: the object stays the same, so optimiser state
     * and module references keyed by it stay valid; its gradient is dropped. Views made before the move keep
     * reading the old storage.
     */
    public Tensor relocate(Device target) {
        if (target == device()) return this;
        if (gradFn != null || !isContiguous() || offset != 0 || storage.length() != shape.size())
            throw new IllegalStateException("only a dense leaf tensor that owns its storage can be moved in place, got " + this);
        storage = (target == Device.CUDA ? CudaTensors.upload(this) : of(toArray(), shape)).storage;
        grad = null;
        return this;
    }

    /** True when elements are densely packed in row-major order starting at {@link #offset()}. */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            int d = shape.dim(i);
            if (d != 1 && strides[i] != expected) return false;
            expected *= d;
        }
        return true;
    }

    /** Storage index of the element at {@code idx}. */
    public int index(int... idx) {
        if (idx.length != shape.rank()) throw new IllegalArgumentException("need " + shape.rank() + " indices, got " + idx.length);
        int p = offset;
        for (int i = 0; i < idx.length; i++) {
            int d = shape.dim(i);
            if (idx[i] < 0 || idx[i] >= d) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for " + shape);
            p += idx[i] * strides[i];
        }
        return p;
    }

    public float get(int... idx) {
        int i = index(idx);
        if (device() == Device.CUDA) return view(storage, i, Shape.of(), new int[0]).toArray()[0];
        return array()[i];
    }

    /** Writes one element in place (no autograd). */
    public void set(float v, int... idx) { array()[index(idx)] = v; }

    public float item() {
        if (shape.size() != 1) throw new IllegalStateException("item() needs a single-element tensor, got " + shape);
        if (device() == Device.CUDA) return CudaTensors.download(this)[0];
        return array()[offset];
    }

    /** A fresh row-major copy of the values. */
    public float[] toArray() {
        if (device() == Device.CUDA) return CudaTensors.download(this);
        float[] out = new float[shape.size()];
        copyInto(out, 0);
        return out;
    }

    /** Copies the values in row-major order into {@code dst} at {@code dstOff}. */
    public void copyInto(float[] dst, int dstOff) {
        int n = shape.size();
        if (device() == Device.CUDA) { System.arraycopy(CudaTensors.download(this), 0, dst, dstOff, n); return; }
        float[] src = array();
        if (isContiguous()) { System.arraycopy(src, offset, dst, dstOff, n); return; }
        int r = shape.rank();
        int[] dims = shape.dims();
        int[] idx = new int[r];
        int inner = r == 0 ? 1 : dims[r - 1];
        int innerStride = r == 0 ? 0 : strides[r - 1];
        int rows = inner == 0 ? 0 : n / inner;
        int o = dstOff;
        for (int row = 0; row < rows; row++) {
            int p = offset;
            for (int i = 0; i < r - 1; i++) p += idx[i] * strides[i];
            for (int j = 0; j < inner; j++) dst[o++] = src[p + j * innerStride];
            for (int i = r - 2; i >= 0; i--) { if (++idx[i] < dims[i]) break; idx[i] = 0; }
        }
    }

    // ---------------------------------------------------------------- file type

    /**
     * The element type this tensor takes in a checkpoint written by {@code PthWriter} or {@code SafeTensors}:
     * {@link DType#F32} unless made by {@link #withSavedDType} (e.g. an int64 index buffer, as PyTorch keeps
     * it) or read from an int64 storage. In memory the values are float32 either way; the result of an op or
     * a view is F32 again (only {@link #detach()} keeps it).
     */
    public DType savedDType() { return savedDType; }

    /**
     * The same values (shared storage, no autograd) marked to be saved as {@code type}: {@link DType#F32}, or
     * {@link DType#I64} for integral values, which the writers check when saving.
     */
    public Tensor withSavedDType(DType type) {
        if (type != DType.F32 && type != DType.I64)
            throw new IllegalArgumentException("a tensor can be saved as F32 or I64, not " + type);
        Tensor t = new Tensor(storage, offset, shape, strides);
        t.savedDType = type;
        return t;
    }

    /** A dense copy with no autograd history. */
    public Tensor contiguousCopy() { return device() == Device.CUDA ? CudaOps.contiguousCopy(this) : of(toArray(), shape); }

    /** This tensor if already dense, else a dense copy that keeps the autograd graph. */
    public Tensor contiguous() { return isContiguous() ? this : ShapeOps.contiguous(this); }

    // ---------------------------------------------------------------- autograd state

    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as needing gradients. Returns this. */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null && !on) throw new IllegalStateException("cannot clear requiresGrad on a non-leaf; use detach()");
        this.requiresGrad = on;
        return this;
    }

    public boolean isLeaf() { return gradFn == null; }

    public Node gradFn() { return gradFn; }

    /** Accumulated gradient of a leaf (or of a non-leaf after {@link #retainGrad()}), or null. */
    public Tensor grad() { return grad; }

    public void setGrad(Tensor g) {
        if (g != null && !g.shape.equals(shape)) throw new IllegalArgumentException("grad shape " + g.shape + " != " + shape);
        this.grad = g;
    }

    public void zeroGrad() { this.grad = null; }

    /** Keep the gradient of this non-leaf during backward. */
    public Tensor retainGrad() { this.retainGrad = true; return this; }

    public boolean retainsGrad() { return retainGrad; }

    /** Same values (shared storage, same {@link #savedDType()}), cut from the graph. */
    public Tensor detach() {
        Tensor t = new Tensor(storage, offset, shape, strides);
        t.savedDType = savedDType;
        return t;
    }

    /** Called by the engine: sums {@code g} into {@link #grad()} (the first gradient is copied). */
    public void accumulateGrad(Tensor g) {
        if (grad == null) grad = g.contiguousCopy();
        else grad.addInPlace(g);
    }

    /** Called by {@link Autograd#record}. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    /** Backward from a single-element tensor; releases the graph. */
    public void backward() { Autograd.backward(this, null, false); }

    public void backward(Tensor gradOutput) { Autograd.backward(this, gradOutput, false); }

    public void backward(Tensor gradOutput, boolean retainGraph) { Autograd.backward(this, gradOutput, retainGraph); }

    // ---------------------------------------------------------------- in-place (no autograd; for optimisers and grads)

    /** this += other (broadcast over this), not recorded. This must be contiguous. */
    public Tensor addInPlace(Tensor other) { Elementwise.addInPlace(this, other, 1f); return this; }

    /** this += alpha * other, not recorded. */
    public Tensor addInPlace(Tensor other, float alpha) { Elementwise.addInPlace(this, other, alpha); return this; }

    /** this *= s, not recorded. */
    public Tensor mulInPlace(float s) { Elementwise.scaleInPlace(this, s); return this; }

    /** Copies values from {@code src} (same shape) into this tensor's storage, not recorded. */
    public Tensor copyFrom(Tensor src) { ShapeOps.copyInto(src, this); return this; }

    public Tensor fill(float v) { ShapeOps.fill(this, v); return this; }

    // ---------------------------------------------------------------- elementwise (broadcasting)

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }

    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }

    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }

    public Tensor div(Tensor o) { return Elementwise.div(this, o); }

    public Tensor add(float s) { return Elementwise.addScalar(this, s); }

    public Tensor sub(float s) { return Elementwise.addScalar(this, -s); }

    public Tensor mul(float s) { return Elementwise.mulScalar(this, s); }

    public Tensor div(float s) { return Elementwise.mulScalar(this, 1f / s); }

    /** s - this. */
    public Tensor rsub(float s) { return Elementwise.addScalar(Elementwise.mulScalar(this, -1f), s); }

    public Tensor neg() { return Elementwise.mulScalar(this, -1f); }

    public Tensor exp() { return Elementwise.exp(this); }

    public Tensor log() { return Elementwise.log(this); }

    public Tensor sqrt() { return Elementwise.sqrt(this); }

    public Tensor tanh() { return Elementwise.tanh(this); }

    public Tensor pow(float exponent) { return Elementwise.pow(this, exponent); }

    public Tensor relu() { return Elementwise.relu(this); }

    // ---------------------------------------------------------------- reductions

    public Tensor sum() { return Reduce.sum(this, allDims(), false); }

    public Tensor sum(int dim, boolean keepDim) { return Reduce.sum(this, new int[] {dim}, keepDim); }

    public Tensor sum(int[] dims, boolean keepDim) { return Reduce.sum(this, dims, keepDim); }

    public Tensor mean() { return Reduce.mean(this, allDims(), false); }

    public Tensor mean(int dim, boolean keepDim) { return Reduce.mean(this, new int[] {dim}, keepDim); }

    public Tensor mean(int[] dims, boolean keepDim) { return Reduce.mean(this, dims, keepDim); }

    /** Maximum over {@code dim}; the gradient flows to the first maximal element. */
    public Tensor max(int dim, boolean keepDim) { return Reduce.max(this, dim, keepDim); }

    public IntTensor argmax(int dim) { return Reduce.argmax(this, dim); }

    private int[] allDims() {
        int[] d = new int[rank()];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    // ---------------------------------------------------------------- shape

    public Tensor reshape(int... dims) { return ShapeOps.reshape(this, dims); }

    public Tensor flatten(int startDim, int endDim) { return ShapeOps.flatten(this, startDim, endDim); }

    public Tensor permute(int... order) { return ShapeOps.permute(this, order); }

    public Tensor transpose(int d0, int d1) { return ShapeOps.transpose(this, d0, d1); }

    public Tensor unsqueeze(int dim) { return ShapeOps.unsqueeze(this, dim); }

    public Tensor squeeze(int dim) { return ShapeOps.squeeze(this, dim); }

    /** Broadcast view to {@code dims} (stride 0 on expanded axes). */
    public Tensor expand(int... dims) { return ShapeOps.expand(this, dims); }

    /** Elements {@code start..end-1} along {@code dim} (a view). */
    public Tensor slice(int dim, int start, int end) { return ShapeOps.slice(this, dim, start, end, 1); }

    public Tensor slice(int dim, int start, int end, int step) { return ShapeOps.slice(this, dim, start, end, step); }

    /** Index {@code index} along {@code dim}, removing that dim (a view). */
    public Tensor select(int dim, int index) { return ShapeOps.select(this, dim, index); }

    public List<Tensor> split(int splitSize, int dim) { return ShapeOps.split(this, splitSize, dim); }

    public Tensor indexSelect(int dim, int[] index) { return ShapeOps.indexSelect(this, dim, index); }

    public Tensor gather(int dim, IntTensor index) { return ShapeOps.gather(this, dim, index); }

    /** Where {@code mask} (broadcastable, nonzero = true) holds, {@code value}; else this. */
    public Tensor maskedFill(Tensor mask, float value) { return ShapeOps.maskedFill(this, mask, value); }

    public static Tensor concat(List<Tensor> parts, int dim) { return ShapeOps.concat(parts, dim); }

    /** {@code cond ? a : b} elementwise with broadcasting (cond nonzero = true). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return ShapeOps.where(cond, a, b); }

    // ---------------------------------------------------------------- linear algebra and nn

    /** Matrix product; batched over leading dims (broadcast), like {@code torch.matmul}. */
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o, false, false); }

    public Tensor softmax(int dim) { return Softmax.softmax(this, dim); }

    public Tensor logSoftmax(int dim) { return Softmax.logSoftmax(this, dim); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shape);
        if (device() != Device.CPU) sb.append(" on ").append(device().name().toLowerCase());
        if (requiresGrad) sb.append(gradFn == null ? " leaf(requiresGrad)" : " grad_fn=" + gradFn.name());
        if (storage instanceof HeapStorage && shape.size() <= 16) sb.append(' ').append(Arrays.toString(toArray()));
        return sb.toString();
    }
}
