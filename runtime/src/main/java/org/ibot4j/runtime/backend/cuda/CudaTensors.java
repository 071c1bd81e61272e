package org.ibot4j.runtime.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.runtime.tensor.DeviceStorage;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Device tensors: allocation from {@link CudaMemory}, host↔device copies, and device addresses of views. Every
 * copy is counted ({@link #transfers()}), so a test can check that a training step downloads nothing but its loss.
 */
public final class CudaTensors {
    private static final AtomicLong UPLOADS = new AtomicLong(), UPLOAD_BYTES = new AtomicLong();
    private static final AtomicLong DOWNLOADS = new AtomicLong(), DOWNLOAD_BYTES = new AtomicLong();

    private CudaTensors() {}

    /** Host↔device copies made so far. */
    public record Transfers(long uploads, long uploadBytes, long downloads, long downloadBytes) {
        /** The copies made since {@code before}. */
        public Transfers since(Transfers before) {
            return new Transfers(uploads - before.uploads, uploadBytes - before.uploadBytes,
                    downloads - before.downloads, downloadBytes - before.downloadBytes);
        }
    }

    public static Transfers transfers() {
        return new Transfers(UPLOADS.get(), UPLOAD_BYTES.get(), DOWNLOADS.get(), DOWNLOAD_BYTES.get());
    }

    /** A dense device tensor of {@code shape} with unspecified values. */
    public static Tensor empty(Shape shape) {
        DeviceStorage s = CudaMemory.allocate(shape.size());
        return Tensor.view(s, 0, shape, shape.contiguousStrides());
    }

    /** A dense device tensor of zeros. */
    public static Tensor zeros(Shape shape) {
        Tensor t = empty(shape);
        if (shape.size() > 0) {
            Cuda.makeCurrent();
            CudaDriver.memsetD32(address(t), 0, shape.size());
        }
        return t;
    }

    /** A dense device copy of a host tensor's values. */
    public static Tensor upload(Tensor host) {
        float[] values = host.isContiguous() && host.offset() == 0 && host.array().length == host.size()
                ? host.array() : host.toArray();
        Tensor t = empty(host.shape());
        if (values.length > 0) put(address(t), MemorySegment.ofArray(values));
        return t;
    }

    /**
     * Enqueues a host-to-device copy without waiting for the GPU. A synchronous {@code cuMemcpyHtoD} from pageable
     * memory first waits for all queued work, which inside a training step (drop-path masks, loss weights) would drain
     * the GPU each time; {@code cuMemcpyHtoDAsync} from pageable memory instead copies the data to a driver staging
     * buffer before it returns (CUDA's "API synchronization behavior"), so the native buffer used here can be freed
     * right after the call.
     */
    private static void put(long dst, MemorySegment values) {
        Cuda.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(values.byteSize(), 16);
            staged.copyFrom(values);
            CudaDriver.memcpyHtoDAsync(dst, staged, MemorySegment.NULL);
        }
        UPLOADS.incrementAndGet();
        UPLOAD_BYTES.addAndGet(values.byteSize());
    }

    /** int32 values on the device (kernel indices), kept alive by the returned storage. */
    public static DeviceStorage uploadInts(int[] values) {
        DeviceStorage s = CudaMemory.allocate(values.length);
        if (values.length > 0) put(s.address(), MemorySegment.ofArray(values));
        return s;
    }

    /** The values of a device tensor in row-major order (a strided view is first made dense on the device). */
    public static float[] download(Tensor dev) {
        Tensor d = dev.isContiguous() ? dev : CudaOps.contiguousCopy(dev);
        float[] out = new float[d.size()];
        if (out.length > 0) {
            Cuda.makeCurrent();
            CudaDriver.memcpyDtoH(out, 0, address(d), out.length);
            DOWNLOADS.incrementAndGet();
            DOWNLOAD_BYTES.addAndGet((long) out.length * Float.BYTES);
        }
        return out;
    }

    /** Device address of a device tensor's first element (its storage address plus its offset). */
    public static long address(Tensor t) {
        if (!(t.storage() instanceof DeviceStorage s))
            throw new IllegalArgumentException("tensor " + t.shape() + " is on " + t.device() + ", not on the GPU");
        return s.address(t.offset());
    }

    /** {@link #address} or 0 for null (optional kernel inputs). */
    public static long addressOrNull(Tensor t) { return t == null ? 0L : address(t); }
}
