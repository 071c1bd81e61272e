package org.ibot4j.runtime.tensor;

/** CPU float32 storage on the Java heap. */
public record HeapStorage(float[] data) implements Storage {
    @Override public Device device() { return Device.CPU; }

    @Override public DType dtype() { return DType.F32; }

    @Override public int length() { return data.length; }
}
