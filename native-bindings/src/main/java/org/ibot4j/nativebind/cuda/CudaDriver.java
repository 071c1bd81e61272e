package org.ibot4j.nativebind.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * FFM downcalls to the CUDA driver API ({@code libcuda.so.1}), bound by their exported names
 * ({@code cuMemAlloc_v2}, {@code cuDevicePrimaryCtxRelease_v2}, ...). Every call that returns a CUresult
 * other than {@code CUDA_SUCCESS} throws {@link CudaException} with the driver's error name. Device pointers
 * ({@code CUdeviceptr}) are {@code long}s; contexts, streams, events, modules and functions are opaque
 * {@link MemorySegment} handles ({@link MemorySegment#NULL} is the default stream).
 * The library is loaded on first use; {@link Cuda#available()} is the never-throwing way to ask first.
 */
public final class CudaDriver {
    /** CUdevice_attribute values used here (cuda.h). */
    public static final int ATTR_MAX_THREADS_PER_BLOCK = 1, ATTR_MULTIPROCESSOR_COUNT = 16,
            ATTR_COMPUTE_CAPABILITY_MAJOR = 75, ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    /** cuStreamCreate flag: no implicit synchronisation with the legacy default stream. */
    public static final int STREAM_NON_BLOCKING = 1;

    private CudaDriver() {}

    /** The bound entry points; built once, only when libcuda loaded and every required symbol exists. */
    static final class Binding {
        final String library;
        final MethodHandle init, driverVersion, getErrorName, deviceGetCount, deviceGet, deviceGetName,
                deviceGetAttribute, deviceTotalMem, primaryCtxRetain, primaryCtxRelease, ctxSetCurrent, ctxSynchronize,
                streamCreate, streamSynchronize, streamDestroy, eventCreate, eventRecord, eventSynchronize,
                eventElapsedTime, eventDestroy, memAlloc, memFree, memcpyHtoD, memcpyDtoH, memcpyDtoD,
                memcpyHtoDAsync, memcpyDtoHAsync, memcpyDtoDAsync, memsetD32, memsetD32Async, memGetInfo,
                moduleLoadData, moduleGetFunction, moduleUnload, launchKernel;

        Binding(String library, Symbols s) {
            this.library = library;
            FunctionDescriptor iP = FunctionDescriptor.of(JAVA_INT, ADDRESS);
            FunctionDescriptor iI = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
            init = s.bind(iI, "cuInit");
            driverVersion = s.bind(iP, "cuDriverGetVersion");
            getErrorName = s.bind(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), "cuGetErrorName");
            deviceGetCount = s.bind(iP, "cuDeviceGetCount");
            deviceGet = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDeviceGet");
            deviceGetName = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetName");
            deviceGetAttribute = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetAttribute");
            deviceTotalMem = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDeviceTotalMem_v2");
            primaryCtxRetain = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDevicePrimaryCtxRetain");
            primaryCtxRelease = s.bind(iI, "cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease");
            ctxSetCurrent = s.bind(iP, "cuCtxSetCurrent");
            ctxSynchronize = s.bind(FunctionDescriptor.of(JAVA_INT), "cuCtxSynchronize");
            streamCreate = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuStreamCreate");
            streamSynchronize = s.bind(iP, "cuStreamSynchronize");
            streamDestroy = s.bind(iP, "cuStreamDestroy_v2");
            eventCreate = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuEventCreate");
            eventRecord = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cuEventRecord");
            eventSynchronize = s.bind(iP, "cuEventSynchronize");
            eventElapsedTime = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                    "cuEventElapsedTime_v2", "cuEventElapsedTime");
            eventDestroy = s.bind(iP, "cuEventDestroy_v2");
            memAlloc = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), "cuMemAlloc_v2");
            memFree = s.bind(FunctionDescriptor.of(JAVA_INT, JAVA_LONG), "cuMemFree_v2");
            // Synchronous copies accept heap arrays (critical downcalls); async copies need native memory.
            memcpyHtoD = s.bindCritical(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG), "cuMemcpyHtoD_v2");
            memcpyDtoH = s.bindCritical(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), "cuMemcpyDtoH_v2");
            memcpyDtoD = s.bind(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), "cuMemcpyDtoD_v2");
            memcpyHtoDAsync = s.bind(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS), "cuMemcpyHtoDAsync_v2");
            memcpyDtoHAsync = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS), "cuMemcpyDtoHAsync_v2");
            memcpyDtoDAsync = s.bind(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), "cuMemcpyDtoDAsync_v2");
            memsetD32 = s.bind(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG), "cuMemsetD32_v2");
            memsetD32Async = s.bind(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS), "cuMemsetD32Async");
            memGetInfo = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cuMemGetInfo_v2");
            moduleLoadData = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cuModuleLoadData");
            moduleGetFunction = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuModuleGetFunction");
            moduleUnload = s.bind(iP, "cuModuleUnload");
            launchKernel = s.bind(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuLaunchKernel");
        }
    }

    /** Outcome of loading libcuda and calling {@code cuInit(0)}: a binding, or why there is none. */
    record Loaded(Binding binding, String reason) {}

    private static final class Holder {
        static final Loaded LOADED = load();

        private static Loaded load() {
            try {
                CudaLibraries.Lookup lookup = CudaLibraries.load(CudaLibraries.Library.DRIVER);
                if (lookup.found().isEmpty()) return new Loaded(null, lookup.describe());
                var f = lookup.found().get();
                Binding b = new Binding(f.name(), new Symbols(f.name(), f.symbols()));
                int rc = (int) b.init.invokeExact(0);
                if (rc != 0) return new Loaded(null, "cuInit failed: " + ErrorNames.driver(rc) + " (" + rc + ") with " + f.name());
                return new Loaded(b, null);
            } catch (Throwable t) {
                return new Loaded(null, "libcuda could not be bound: " + t);
            }
        }
    }

    /** Whether libcuda loaded and {@code cuInit(0)} succeeded. Never throws. */
    public static boolean isLoaded() { return Holder.LOADED.binding() != null; }

    /** Why the driver is not usable, or null when it is. */
    public static String unavailableReason() { return Holder.LOADED.reason(); }

    static Binding b() {
        Binding b = Holder.LOADED.binding();
        if (b == null) throw new IllegalStateException("CUDA driver is not available: " + Holder.LOADED.reason());
        return b;
    }

    /** The library path or soname that was loaded. */
    public static String libraryName() { return b().library; }

    /** The driver's name for a CUresult, via {@code cuGetErrorName} when loaded, else the cuda.h table. */
    public static String errorName(int code) {
        Binding b = Holder.LOADED.binding();
        if (b == null) return ErrorNames.driver(code);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int rc = (int) b.getErrorName.invokeExact(code, out);
            if (rc != 0) return ErrorNames.driver(code);
            return out.get(ADDRESS, 0).reinterpret(256).getString(0);
        } catch (Throwable t) {
            return ErrorNames.driver(code);
        }
    }

    static void check(int rc, String call) {
        if (rc != 0) throw new CudaException("cuda", rc, errorName(rc), call);
    }

    /** Driver version as 1000*major + 10*minor (13000 = 13.0). */
    public static int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) b().driverVersion.invokeExact(out), "cuDriverGetVersion");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) b().deviceGetCount.invokeExact(out), "cuDeviceGetCount");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** The CUdevice handle of device {@code ordinal}. */
    public static int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) b().deviceGet.invokeExact(out, ordinal), "cuDeviceGet");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static String deviceName(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(256);
            check((int) b().deviceGetName.invokeExact(out, 256, dev), "cuDeviceGetName");
            return out.getString(0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static int deviceAttribute(int attribute, int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) b().deviceGetAttribute.invokeExact(out, attribute, dev), "cuDeviceGetAttribute");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static long deviceTotalMem(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG);
            check((int) b().deviceTotalMem.invokeExact(out, dev), "cuDeviceTotalMem_v2");
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Retains (creating on first use) the device's primary context. Pair with {@link #primaryCtxRelease}. */
    public static MemorySegment primaryCtxRetain(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) b().primaryCtxRetain.invokeExact(out, dev), "cuDevicePrimaryCtxRetain");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void primaryCtxRelease(int dev) {
        try { check((int) b().primaryCtxRelease.invokeExact(dev), "cuDevicePrimaryCtxRelease_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Binds {@code ctx} to the calling thread. */
    public static void ctxSetCurrent(MemorySegment ctx) {
        try { check((int) b().ctxSetCurrent.invokeExact(ctx), "cuCtxSetCurrent"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void ctxSynchronize() {
        try { check((int) b().ctxSynchronize.invokeExact(), "cuCtxSynchronize"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static MemorySegment streamCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) b().streamCreate.invokeExact(out, flags), "cuStreamCreate");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void streamSynchronize(MemorySegment stream) {
        try { check((int) b().streamSynchronize.invokeExact(stream), "cuStreamSynchronize"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void streamDestroy(MemorySegment stream) {
        try { check((int) b().streamDestroy.invokeExact(stream), "cuStreamDestroy_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static MemorySegment eventCreate(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) b().eventCreate.invokeExact(out, flags), "cuEventCreate");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void eventRecord(MemorySegment event, MemorySegment stream) {
        try { check((int) b().eventRecord.invokeExact(event, stream), "cuEventRecord"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void eventSynchronize(MemorySegment event) {
        try { check((int) b().eventSynchronize.invokeExact(event), "cuEventSynchronize"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Milliseconds between two recorded, completed events. */
    public static float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_FLOAT);
            check((int) b().eventElapsedTime.invokeExact(out, start, end), "cuEventElapsedTime");
            return out.get(JAVA_FLOAT, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void eventDestroy(MemorySegment event) {
        try { check((int) b().eventDestroy.invokeExact(event), "cuEventDestroy_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Allocates {@code bytes} of device memory; the current context must be set. */
    public static long memAlloc(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device allocation of " + bytes + " bytes");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG);
            check((int) b().memAlloc.invokeExact(out, bytes), "cuMemAlloc_v2");
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void memFree(long ptr) {
        try { check((int) b().memFree.invokeExact(ptr), "cuMemFree_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Copies {@code n} floats from {@code src[off..]} to device address {@code dst} (synchronous). */
    public static void memcpyHtoD(long dst, float[] src, int off, int n) {
        java.util.Objects.checkFromIndexSize(off, n, src.length);
        if (n == 0) return;
        MemorySegment s = MemorySegment.ofArray(src).asSlice((long) off * Float.BYTES, (long) n * Float.BYTES);
        memcpyHtoD(dst, s);
    }

    /** Copies the whole host segment (heap or native) to device address {@code dst} (synchronous). */
    public static void memcpyHtoD(long dst, MemorySegment src) {
        try { check((int) b().memcpyHtoD.invokeExact(dst, src, src.byteSize()), "cuMemcpyHtoD_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Copies {@code n} floats from device address {@code src} into {@code dst[off..]} (synchronous). */
    public static void memcpyDtoH(float[] dst, int off, long src, int n) {
        java.util.Objects.checkFromIndexSize(off, n, dst.length);
        if (n == 0) return;
        memcpyDtoH(MemorySegment.ofArray(dst).asSlice((long) off * Float.BYTES, (long) n * Float.BYTES), src);
    }

    /** Fills the whole host segment (heap or native) from device address {@code src} (synchronous). */
    public static void memcpyDtoH(MemorySegment dst, long src) {
        try { check((int) b().memcpyDtoH.invokeExact(dst, src, dst.byteSize()), "cuMemcpyDtoH_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void memcpyDtoD(long dst, long src, long bytes) {
        try { check((int) b().memcpyDtoD.invokeExact(dst, src, bytes), "cuMemcpyDtoD_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Asynchronous host-to-device copy; {@code src} must be native memory that outlives the copy. */
    public static void memcpyHtoDAsync(long dst, MemorySegment src, MemorySegment stream) {
        requireNative(src);
        try { check((int) b().memcpyHtoDAsync.invokeExact(dst, src, src.byteSize(), stream), "cuMemcpyHtoDAsync_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Asynchronous device-to-host copy; {@code dst} must be native memory that outlives the copy. */
    public static void memcpyDtoHAsync(MemorySegment dst, long src, MemorySegment stream) {
        requireNative(dst);
        try { check((int) b().memcpyDtoHAsync.invokeExact(dst, src, dst.byteSize(), stream), "cuMemcpyDtoHAsync_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try { check((int) b().memcpyDtoDAsync.invokeExact(dst, src, bytes, stream), "cuMemcpyDtoDAsync_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Sets {@code count} 32-bit words at {@code dst} to {@code value} (use Float.floatToRawIntBits for floats). */
    public static void memsetD32(long dst, int value, long count) {
        try { check((int) b().memsetD32.invokeExact(dst, value, count), "cuMemsetD32_v2"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void memsetD32Async(long dst, int value, long count, MemorySegment stream) {
        try { check((int) b().memsetD32Async.invokeExact(dst, value, count, stream), "cuMemsetD32Async"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** {free, total} bytes of device memory in the current context. */
    public static long[] memGetInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG), total = a.allocate(JAVA_LONG);
            check((int) b().memGetInfo.invokeExact(free, total), "cuMemGetInfo_v2");
            return new long[]{free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** Loads a PTX (or cubin) image into the current context. */
    public static MemorySegment moduleLoadData(String ptx) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) b().moduleLoadData.invokeExact(out, a.allocateFrom(ptx)), "cuModuleLoadData");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /** The kernel {@code name} (an extern "C" name) of a loaded module. */
    public static MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int rc = (int) b().moduleGetFunction.invokeExact(out, module, a.allocateFrom(name));
            if (rc != 0) throw new CudaException("cuda", rc, errorName(rc), "cuModuleGetFunction(" + name + ")");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    public static void moduleUnload(MemorySegment module) {
        try { check((int) b().moduleUnload.invokeExact(module), "cuModuleUnload"); }
        catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    /**
     * Launches {@code fn} on {@code stream}. Each argument is passed by value in the order of the kernel's
     * parameters: {@link Long} for device pointers and 64-bit integers, {@link Integer}, {@link Float}, and
     * {@code int[]} for a by-value struct of ints (its elements laid out contiguously in order, e.g. a kernel
     * parameter {@code struct { int rank; int dims[8]; }} takes an {@code int[9]}); an {@code int[]} must not be empty.
     */
    public static void launch(MemorySegment fn, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                              int sharedBytes, MemorySegment stream, Object... args) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                MemorySegment v = switch (args[i]) {
                    case Long l -> a.allocateFrom(JAVA_LONG, l);
                    case Integer n -> a.allocateFrom(JAVA_INT, n);
                    case Float f -> a.allocateFrom(JAVA_FLOAT, f);
                    case int[] s when s.length > 0 -> a.allocateFrom(JAVA_INT, s);
                    case null, default -> throw new IllegalArgumentException(
                            "kernel argument " + i + " must be Long, Integer, Float or a non-empty int[], got " + args[i]);
                };
                params.setAtIndex(ADDRESS, i, v);
            }
            check((int) b().launchKernel.invokeExact(fn, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                    stream, params, MemorySegment.NULL), "cuLaunchKernel");
        } catch (Throwable t) { throw Symbols.rethrow(t); }
    }

    private static void requireNative(MemorySegment s) {
        if (!s.isNative()) throw new IllegalArgumentException("asynchronous copies need native (off-heap) host memory");
    }
}
