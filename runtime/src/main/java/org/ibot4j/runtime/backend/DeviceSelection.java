package org.ibot4j.runtime.backend;

import java.io.PrintStream;
import java.util.Locale;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.runtime.backend.cuda.CudaBackend;

/**
 * The {@code --device} choice: {@code cuda}, {@code cpu}, or {@code auto} (the default: CUDA when a usable GPU
 * is present, else the CPU). {@link #apply} installs the chosen backend as the process default and prints
 * one line on stderr saying which device runs and, for the CPU fallback, why CUDA is not used, e.g.
 * {@code device: cpu (CUDA unavailable: libcuda.so not found ...)}.
 */
public final class DeviceSelection {
    private DeviceSelection() {}

    /** What was chosen, the backend, and the log line. */
    public record Choice(Backend backend, String line) {}

    /**
     * Chooses without installing: {@code device} is cuda|cpu|auto (null or blank = auto). Asking for cuda
     * where it is unavailable is an IllegalArgumentException naming the reason.
     */
    public static Choice choose(String device) {
        String d = device == null || device.isBlank() ? "auto" : device.trim().toLowerCase(Locale.ROOT);
        switch (d) {
            case "cpu" -> {
                return cpu("device: cpu (requested)");
            }
            case "cuda", "gpu" -> {
                if (!Cuda.available())
                    throw new IllegalArgumentException("--device cuda: CUDA unavailable: " + Cuda.unavailableReason());
                return cuda();
            }
            case "auto" -> {
                if (!Cuda.available()) return cpu("device: cpu (CUDA unavailable: " + Cuda.unavailableReason() + ")");
                try {
                    return cuda();
                } catch (RuntimeException e) {
                    return cpu("device: cpu (CUDA backend failed to start: " + e.getMessage() + ")");
                }
            }
            default -> throw new IllegalArgumentException("--device must be cuda, cpu or auto, got '" + device + "'");
        }
    }

    /** Chooses, installs the backend as the process default, and prints the line to {@code log}. */
    public static Backend apply(String device, PrintStream log) {
        Choice c = choose(device);
        Backends.setDefault(c.backend());
        log.println(c.line());
        return c.backend();
    }

    private static Choice cpu(String line) {
        return new Choice(Backends.current(), line);
    }

    private static Choice cuda() {
        CudaBackend b = CudaBackend.create();
        return new Choice(b, "device: cuda (" + b.name() + ")");
    }
}
