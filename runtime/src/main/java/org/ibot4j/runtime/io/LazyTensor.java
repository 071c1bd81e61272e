package org.ibot4j.runtime.io;

import java.util.Arrays;
import org.ibot4j.runtime.tensor.DType;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * A tensor of a checkpoint opened with {@link PthReader#open} that has not been read yet: where its values lie
 * (storage key, element offset, sizes and strides over that storage, exactly as {@code torch.save} recorded
 * them) and a reader that converts them to float32 straight from the memory-mapped file into a destination.
 * Nothing of size is held: loading a model through {@link #readInto} needs no second copy of the weights.
 * Valid only while its {@link PthArchive} is open.
 */
public final class LazyTensor {
    private final StoredArray storage;
    private final long storageOffset;
    private final Shape shape;
    private final int[] strides;

    LazyTensor(StoredArray storage, long storageOffset, int[] dims, int[] strides) {
        this.storage = storage;
        this.storageOffset = storageOffset;
        this.shape = Shape.of(dims);
        this.strides = strides.clone();
    }

    /** Name of the storage entry ({@code data/<key>}) the values come from; tensors sharing a storage share it. */
    public String storageKey() { return storage.key(); }

    /** Element type on disk, in PyTorch's words ({@code float32}, {@code float16}, {@code bfloat16}, ...). */
    public String dtype() { return storage.type().torchName(); }

    /** Offset of the first element in the storage, in elements. */
    public long storageOffset() { return storageOffset; }

    public Shape shape() { return shape; }

    public int[] dims() { return shape.dims(); }

    public int dim(int i) { return shape.dim(i); }

    public int rank() { return shape.rank(); }

    public int size() { return shape.size(); }

    /** Strides over the storage, in elements, as saved. */
    public int[] strides() { return strides.clone(); }

    /**
     * Writes the values, converted to float32, into {@code dst} in place (its storage, offset and strides are
     * honoured; no autograd is recorded). {@code dst} must have this shape.
     */
    public void readInto(Tensor dst) {
        if (!dst.shape().equals(shape))
            throw new IllegalArgumentException("cannot read checkpoint tensor of shape " + shape + " (storage '"
                    + storage.key() + "') into a tensor of shape " + dst.shape());
        int n = shape.size();
        if (n == 0) return;
        if (dst.device() != org.ibot4j.runtime.tensor.Device.CPU) {  // read on the host, then one upload
            Tensor host = Tensor.zeros(shape);
            readInto(host);
            dst.copyFrom(host);
            return;
        }
        float[] out = dst.array();
        if (isContiguous(shape, strides) && dst.isContiguous()) {
            storage.read(storageOffset, out, dst.offset(), n);
            return;
        }
        int r = shape.rank();
        int[] dims = shape.dims(), dstStrides = dst.strides();
        int inner = r == 0 ? 1 : dims[r - 1];
        int srcInner = r == 0 ? 0 : strides[r - 1], dstInner = r == 0 ? 0 : dstStrides[r - 1];
        boolean runs = srcInner == 1 && dstInner == 1;
        int[] idx = new int[Math.max(r - 1, 0)];
        for (int row = 0, rows = n / inner; row < rows; row++) {
            long s = storageOffset;
            int d = dst.offset();
            for (int i = 0; i < r - 1; i++) { s += (long) idx[i] * strides[i]; d += idx[i] * dstStrides[i]; }
            if (runs) storage.read(s, out, d, inner);
            else for (int j = 0; j < inner; j++) storage.read(s + (long) j * srcInner, out, d + j * dstInner, 1);
            for (int i = r - 2; i >= 0; i--) { if (++idx[i] < dims[i]) break; idx[i] = 0; }
        }
    }

    /**
     * The values as a fresh contiguous float32 tensor (whose {@link Tensor#savedDType()} is I64 when the stored
     * type is int64, so it is saved again as it was).
     */
    public Tensor read() {
        Tensor t = Tensor.zeros(shape);
        readInto(t);
        return storage.type() == ElementType.I64 ? t.withSavedDType(DType.I64) : t;
    }

    private static boolean isContiguous(Shape shape, int[] strides) {
        int expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            int d = shape.dim(i);
            if (d != 1 && strides[i] != expected) return false;
            expected *= d;
        }
        return true;
    }

    @Override public String toString() {
        return "LazyTensor[" + dtype() + " " + shape + ", storage '" + storage.key() + "' offset " + storageOffset
                + ", strides " + Arrays.toString(strides) + "]";
    }
}
