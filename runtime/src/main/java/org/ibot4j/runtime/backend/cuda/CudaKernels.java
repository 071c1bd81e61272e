package org.ibot4j.runtime.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.nativebind.cuda.PtxCache;

/**
 * The CUDA C kernel sources kept in the repository (resources {@code org/ibot4j/runtime/backend/cuda/kernels}):
 * each {@code .cu} file is compiled with the shared prelude {@code common.cuh} in front, by NVRTC at run time
 * (cached per device architecture and source hash, {@link PtxCache}) and, in the build, by {@code nvcc -ptx} as a
 * check. Kernels are {@code extern "C"} so their PTX entry names are the C names.
 */
public final class CudaKernels {
    /** The kernel files, without the {@code .cu} suffix. */
    public static final List<String> FILES = List.of("elementwise", "convert", "reduce", "softmax", "layernorm", "optim", "strided");

    private static final String DIR = "/org/ibot4j/runtime/backend/cuda/kernels/";
    private static final Pattern ENTRY = Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(");

    private static final Map<String, MemorySegment> MODULES = new ConcurrentHashMap<>();
    private static final Map<String, MemorySegment> FUNCTIONS = new ConcurrentHashMap<>();
    private static volatile PtxCache cache;

    private CudaKernels() {}

    /** The compilable source of {@code file}: common.cuh followed by {@code file}.cu. */
    public static String source(String file) {
        if (!FILES.contains(file)) throw new IllegalArgumentException("no CUDA kernel file '" + file + "'; have " + FILES);
        return resource("common.cuh") + "\n#line 1 \"" + file + ".cu\"\n" + resource(file + ".cu");
    }

    /** The {@code extern "C" __global__} function names declared in {@code file}. */
    public static List<String> entries(String file) {
        List<String> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(resource(file + ".cu"));
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** The file that declares {@code kernel}. */
    public static String fileOf(String kernel) {
        for (String f : FILES) if (entries(f).contains(kernel)) return f;
        throw new IllegalArgumentException("no CUDA kernel named '" + kernel + "'");
    }

    /**
     * The loaded kernel {@code name} in the current context, compiling and loading its file on first use.
     * Needs {@link Cuda#available()} and the context current on this thread.
     */
    public static MemorySegment function(String name) {
        return FUNCTIONS.computeIfAbsent(name, n -> {
            String file = fileOf(n);
            MemorySegment module = MODULES.computeIfAbsent(file, f -> {
                PtxCache c = cache;
                if (c == null) cache = c = PtxCache.nvrtc();
                String ptx = c.get(source(f), f + ".cu", Cuda.device().arch());
                return CudaDriver.moduleLoadData(ptx);
            });
            return CudaDriver.moduleGetFunction(module, n);
        });
    }

    private static String resource(String name) {
        try (InputStream in = CudaKernels.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalStateException("missing kernel resource " + DIR + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel resource " + DIR + name, e);
        }
    }
}
