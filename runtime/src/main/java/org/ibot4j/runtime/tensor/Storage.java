package org.ibot4j.runtime.tensor;

/**
 * Backing memory of one or more tensors (views share it).
 *
 * <p>CPU storage is a heap {@code float[]}: the Vector API loads from arrays as fast as from segments and
 * C2 eliminates bounds checks in counted loops, while native calls (OpenBLAS, cudaMemcpy) receive the array
 * without a copy through {@code MemorySegment.ofArray} with a critical downcall. See README "Storage".
 * CUDA tensors use {@link DeviceStorage}, a device address owned by the CUDA memory pool.
 */
public sealed interface Storage permits HeapStorage, DeviceStorage {
    Device device();

    DType dtype();

    /** Number of elements. */
    int length();
}
