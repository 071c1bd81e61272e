package org.ibot4j.runtime.backend;

import java.io.PrintStream;
import java.util.Locale;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.runtime.backend.cuda.CudaBackend;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The {@code --device} choice: {@code cuda}, {@code cpu}, or {@code auto} (the default: CUDA when a usable GPU is
 * present, else the CPU). The choice says where models and their tensors live ({@link #selected()}); host work
 * (data, metrics) stays on the CPU backend. One line on stderr says which device runs and, for the CPU fallback,
 * why CUDA is not used, e.g. {@code device: cpu (CUDA unavailable: libcuda.so not found ...)}.
 *
 * <p>Before CUDA is chosen a smoke test runs one elementwise kernel, one reduction and one cuBLAS product on the GPU
 * and checks the values, so {@code auto} falls back (with the error) rather than failing mid-run.
 */
public final class DeviceSelection {
    private static volatile Choice applied;

    private DeviceSelection() {}

    /** What was chosen and the log line. */
    public record Choice(Device device, String line) {}

    /**
     * Chooses without installing: {@code device} is cuda|cpu|auto (null or blank = auto). Asking for cuda where it
     * is unavailable is an IllegalArgumentException naming the reason.
     */
    public static Choice choose(String device) {
        String d = device == null || device.isBlank() ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        switch (d) {
            case "cpu" -> {
                return new Choice(Device.CPU, "device: cpu (requested)");
            }
            case "cuda", "gpu" -> {
                if (!Cuda.available())
                    throw new IllegalArgumentException("--device cuda: CUDA unavailable: " + Cuda.unavailableReason());
                try {
                    return cuda();
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--device cuda: the GPU failed its smoke test: " + e.getMessage(), e);
                }
            }
            case "auto" -> {
                if (!Cuda.available()) return new Choice(Device.CPU, "device: cpu (CUDA unavailable: " + Cuda.unavailableReason() + ")");
                try {
                    return cuda();
                } catch (RuntimeException e) {
                    return new Choice(Device.CPU, "device: cpu (CUDA failed its smoke test: " + e.getMessage() + ")");
                }
            }
            default -> throw new IllegalArgumentException("--device must be cuda, cpu or auto, got '" + device + "'");
        }
    }

    /** Chooses, records the choice for {@link #selected()}, and prints the line to {@code log}. */
    public static Device apply(String device, PrintStream log) {
        Choice c = choose(device);
        applied = c;
        log.println(c.line());
        return c.device();
    }

    /** The device chosen by {@link #apply}, or — when nothing was chosen yet — the {@code auto} choice, applied now. */
    public static Device selected(PrintStream log) {
        Choice c = applied;
        return c != null ? c.device() : apply("auto", log);
    }

    /** Forgets the choice (tests). */
    public static void reset() { applied = null; }

    private static Choice cuda() {
        CudaBackend b = CudaBackend.shared();
        smokeTest();
        return new Choice(Device.CUDA, "device: cuda (" + b.name() + ")");
    }

    /** [[1,2],[3,4]]·[[1,2],[3,4]]ᵀ + 1, summed: 5+11+11+25 + 4 = 56, computed on the GPU. */
    private static void smokeTest() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).to(Device.CUDA);
        float s = a.matmul(a.transpose(0, 1)).add(1f).sum().item();
        if (Math.abs(s - 56f) > 1e-3f) throw new IllegalStateException("GPU smoke test computed " + s + " instead of 56");
    }
}
