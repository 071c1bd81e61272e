package org.ibot4j.runtime.tensor;

import java.util.Arrays;

/** Immutable tensor dimensions (row-major). Rank 0 is a scalar with one element. */
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("tensor too large: " + Arrays.toString(dims));
        this.dims = dims;
        this.size = n;
    }

    public static Shape of(int... dims) { return new Shape(dims.clone()); }

    public static Shape scalar() { return new Shape(new int[0]); }

    public int rank() { return dims.length; }

    /** Dimension {@code i}; negative {@code i} counts from the end like PyTorch. */
    public int dim(int i) { return dims[axis(i)]; }

    public int[] dims() { return dims.clone(); }

    public int size() { return (int) size; }

    /** Normalises a possibly negative axis against this rank, with a clear message on error. */
    public int axis(int i) {
        int a = i < 0 ? i + dims.length : i;
        if (a < 0 || a >= dims.length) throw new IllegalArgumentException("dim " + i + " out of range for shape " + this);
        return a;
    }

    /** Row-major contiguous strides. */
    public int[] contiguousStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    /** Product of dims before {@code axis}. */
    public int outer(int axis) { int n = 1; for (int i = 0; i < axis(axis); i++) n *= dims[i]; return n; }

    /** Product of dims after {@code axis}. */
    public int inner(int axis) { int n = 1; for (int i = axis(axis) + 1; i < dims.length; i++) n *= dims[i]; return n; }

    public int last() { return dims[dims.length - 1]; }

    public Shape with(int axis, int value) { int[] d = dims.clone(); d[axis(axis)] = value; return new Shape(d); }

    /** Resolves one {@code -1} in a reshape target against this shape's element count. */
    public Shape resolveReshape(int... target) {
        int[] d = target.clone();
        int infer = -1; long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in reshape " + Arrays.toString(target));
                infer = i;
            } else known *= d[i];
        }
        if (infer >= 0) {
            if (known == 0 || size % known != 0) throw new IllegalArgumentException("cannot reshape " + this + " to " + Arrays.toString(target));
            d[infer] = (int) (size / known);
        }
        Shape s = new Shape(d);
        if (s.size != size) throw new IllegalArgumentException("cannot reshape " + this + " (" + size + " elements) to " + s);
        return s;
    }

    /** NumPy/PyTorch broadcasting of two shapes. */
    public static Shape broadcast(Shape a, Shape b) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + a + " and " + b + " cannot be broadcast");
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() { return Arrays.toString(dims); }
}
