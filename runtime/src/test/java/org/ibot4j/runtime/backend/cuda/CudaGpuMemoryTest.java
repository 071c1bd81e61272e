package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The pool: sizes round to few classes, unreachable tensors give their block back, a same-size request reuses it. */
class CudaGpuMemoryTest {
    @Test void sizesRoundToFewClasses() {
        assertEquals(512, CudaMemory.rounded(4));
        assertEquals(1024, CudaMemory.rounded(513));
        assertEquals(2L << 20, CudaMemory.rounded((1 << 20) + 1));
        assertEquals(4L << 20, CudaMemory.rounded((2L << 20) + 1));
    }

    @Test void unreachableTensorsReturnTheirBlockForReuse() {
        assumeTrue(Cuda.available(), () -> "no GPU: " + Cuda.unavailableReason());
        Shape s = Shape.of(1000, 1001);  // 4 MB: its own size class
        Tensor t = CudaTensors.zeros(s);
        assertEquals(Device.CUDA, t.device());
        CudaMemory.Stats held = CudaMemory.stats();
        t = null;
        CudaMemory.collect();
        CudaMemory.Stats freed = CudaMemory.stats();
        assertTrue(freed.inUseBytes() <= held.inUseBytes() - (4L << 20), "block not returned: " + held + " -> " + freed);
        assertTrue(freed.cachedBytes() >= 4L << 20, freed.toString());
        Tensor again = CudaTensors.empty(s);
        CudaMemory.Stats after = CudaMemory.stats();
        assertEquals(freed.reservedBytes(), after.reservedBytes(), "a same-size request allocated instead of reusing");
        assertEquals(freed.reuses() + 1, after.reuses());
        assertEquals(1000 * 1001, again.size());
    }
}
