package org.ibot4j.nativebind.cuda;

import java.lang.foreign.MemorySegment;

/**
 * The entry point of the CUDA bindings: whether a usable GPU is present, and the process's device context.
 * {@link #available()} never throws: it loads libcuda, calls {@code cuInit}, counts devices, and on any
 * failure answers false with {@link #unavailableReason()} saying why (library not found, no device, driver
 * error name). The context is device 0's primary context (or {@code -Dibot4j.cuda.device=N}); call
 * {@link #makeCurrent()} on each thread before driver calls.
 */
public final class Cuda {
    private Cuda() {}

    /** What describes a device for logs and for choosing a PTX target. */
    public record DeviceInfo(int ordinal, int handle, String name, int ccMajor, int ccMinor, int multiprocessors,
                             long totalMemory, int driverVersion) {
        /** The NVRTC/ptxas architecture name, e.g. {@code sm_90}. */
        public String arch() { return "sm_" + ccMajor + ccMinor; }

        @Override public String toString() {
            return name + " (" + arch() + ", " + multiprocessors + " SMs, " + (totalMemory >> 20) + " MiB, driver "
                    + driverVersion / 1000 + "." + (driverVersion % 1000) / 10 + ")";
        }
    }

    private record State(DeviceInfo device, MemorySegment context, String reason) {}

    private static final class Holder {
        static final State STATE = probe();

        private static State probe() {
            try {
                if (!CudaDriver.isLoaded()) return new State(null, null, CudaDriver.unavailableReason());
                int count = CudaDriver.deviceCount();
                if (count == 0) return new State(null, null, "no CUDA device (cuDeviceGetCount = 0)");
                int ordinal = Integer.getInteger("ibot4j.cuda.device", 0);
                if (ordinal < 0 || ordinal >= count)
                    return new State(null, null, "ibot4j.cuda.device=" + ordinal + " but " + count + " device(s) exist");
                int dev = CudaDriver.device(ordinal);
                DeviceInfo info = new DeviceInfo(ordinal, dev, CudaDriver.deviceName(dev),
                        CudaDriver.deviceAttribute(CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR, dev),
                        CudaDriver.deviceAttribute(CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR, dev),
                        CudaDriver.deviceAttribute(CudaDriver.ATTR_MULTIPROCESSOR_COUNT, dev),
                        CudaDriver.deviceTotalMem(dev), CudaDriver.driverVersion());
                MemorySegment ctx = CudaDriver.primaryCtxRetain(dev);
                return new State(info, ctx, null);
            } catch (Throwable t) {
                return new State(null, null, "CUDA probe failed: " + t.getMessage());
            }
        }
    }

    private static final ThreadLocal<Boolean> CURRENT = ThreadLocal.withInitial(() -> false);

    /** Whether a CUDA device is usable (driver loaded, initialised, a device present). Never throws. */
    public static boolean available() { return Holder.STATE.reason() == null; }

    /** Why CUDA is unavailable (one line), or null when it is available. Never throws. */
    public static String unavailableReason() { return Holder.STATE.reason(); }

    /** The selected device. */
    public static DeviceInfo device() {
        require();
        return Holder.STATE.device();
    }

    /** The primary context of the selected device. */
    public static MemorySegment context() {
        require();
        return Holder.STATE.context();
    }

    /** Makes the device's primary context current on the calling thread (once per thread). */
    public static void makeCurrent() {
        require();
        if (!CURRENT.get()) {
            CudaDriver.ctxSetCurrent(Holder.STATE.context());
            CURRENT.set(true);
        }
    }

    private static void require() {
        if (!available()) throw new IllegalStateException("CUDA is not available: " + unavailableReason());
    }
}
