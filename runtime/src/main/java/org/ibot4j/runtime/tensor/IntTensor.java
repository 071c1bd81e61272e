package org.ibot4j.runtime.tensor;

/** Integer indices with a shape (for gather/index ops and argmax results). Row-major, contiguous. */
public record IntTensor(int[] data, Shape shape) {
    public IntTensor {
        if (data.length != shape.size())
            throw new IllegalArgumentException("index data has " + data.length + " values for shape " + shape);
    }

    public static IntTensor of(int[] data, int... dims) { return new IntTensor(data, Shape.of(dims)); }
}
