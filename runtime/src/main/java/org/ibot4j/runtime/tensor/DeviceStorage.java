package org.ibot4j.runtime.tensor;

/**
 * Float32 storage in GPU memory: a device address and an element count. Created only by the CUDA memory
 * pool ({@code backend.cuda.CudaMemory}), which returns the block to its pool once the storage is unreachable.
 * Its values are read and written by CUDA kernels and cuBLAS; on the host they are reached only by explicit
 * copies ({@link Tensor#toArray()}, {@link Tensor#to(Device)}), never element by element.
 */
public final class DeviceStorage implements Storage {
    private final long address;
    private final int length;

    public DeviceStorage(long address, int length) {
        if (address == 0 && length > 0) throw new IllegalArgumentException("null device address for " + length + " elements");
        if (length < 0) throw new IllegalArgumentException("negative length " + length);
        this.address = address;
        this.length = length;
    }

    /** Device address of element 0. */
    public long address() { return address; }

    /** Device address of element {@code index}. */
    public long address(int index) { return address + (long) index * Float.BYTES; }

    @Override public Device device() { return Device.CUDA; }

    @Override public DType dtype() { return DType.F32; }

    @Override public int length() { return length; }

    @Override public String toString() { return "DeviceStorage[0x" + Long.toHexString(address) + ", " + length + " floats]"; }
}
