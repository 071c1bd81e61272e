package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ibot4j.runtime.backend.BinaryOp;
import org.ibot4j.runtime.backend.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kernel file compiles with {@code nvcc -ptx -arch=sm_90} (skipped where nvcc is not on the PATH) and
 * declares the entries the backend launches; runs in about a second per file.
 */
class CudaKernelSourcesTest {
    static Optional<Path> nvcc() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    @Test void everyKernelFileCompilesToPtxWithItsEntries(@TempDir Path dir) throws Exception {
        Optional<Path> nvcc = nvcc();
        assumeTrue(nvcc.isPresent(), "nvcc is not on the PATH; skipping the nvcc -ptx check of the CUDA kernels");
        List<Process> running = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (String f : CudaKernels.FILES) {
            Path src = dir.resolve(f + ".cu"), ptx = dir.resolve(f + ".ptx");
            Files.writeString(src, CudaKernels.source(f));
            running.add(new ProcessBuilder(nvcc.get().toString(), "-ptx", "-arch=sm_90", src.toString(), "-o", ptx.toString())
                    .redirectErrorStream(true).start());
            outs.add(ptx);
        }
        for (int i = 0; i < running.size(); i++) {
            Process p = running.get(i);
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out on " + CudaKernels.FILES.get(i));
            assertEquals(0, p.exitValue(), "nvcc -ptx " + CudaKernels.FILES.get(i) + ".cu failed:\n" + log);
            String ptx = Files.readString(outs.get(i));
            for (String entry : CudaKernels.entries(CudaKernels.FILES.get(i)))
                assertTrue(ptx.contains(".entry " + entry + "("), entry + " missing from the PTX of " + CudaKernels.FILES.get(i));
        }
    }

    @Test void theBackendsKernelsAreAllDeclared() {
        List<String> all = new ArrayList<>();
        for (String f : CudaKernels.FILES) all.addAll(CudaKernels.entries(f));
        for (String k : List.of("ibot_unary", "ibot_binary", "ibot_axpy", "ibot_gelu", "ibot_gelu_backward",
                "ibot_f32_to_bf16", "ibot_bf16_to_f32", "ibot_sum_partial", "ibot_sumsq_partial", "ibot_sum_finalize",
                "ibot_clip_by_norm", "ibot_softmax_rows", "ibot_softmax_backward_rows", "ibot_layernorm_rows",
                "ibot_layernorm_backward_rows", "ibot_layernorm_backward_params", "ibot_adamw_update", "ibot_ema_update"))
            assertTrue(all.contains(k), k + " not declared; have " + all);
        assertEquals(all.size(), all.stream().distinct().count(), "kernel names are unique across files");
        assertEquals("softmax", CudaKernels.fileOf("ibot_softmax_rows"));
        assertTrue(CudaKernels.source("reduce").startsWith("// Shared prelude"));
    }

    /**
     * No orphan kernels: each is launched by the backend, whose every method CudaParity compares on a GPU, or by
     * StridedKernels, which CudaGpuStridedTest compares.
     */
    @Test void everyKernelIsLaunchedByTheBackend() throws Exception {
        String backend = Files.readString(Path.of("src/main/java/org/ibot4j/runtime/backend/cuda/CudaBackend.java"))
                + Files.readString(Path.of("src/main/java/org/ibot4j/runtime/backend/cuda/StridedKernels.java"));
        for (String f : CudaKernels.FILES)
            for (String k : CudaKernels.entries(f)) assertTrue(backend.contains("\"" + k + "\""), k + " is never launched");
    }

    /** The kernels switch on these ordinals: a reordered enum must fail here, not silently on the GPU. */
    @Test void opCodesMatchTheKernelSwitches() {
        assertEquals("[ADD_SCALAR, MUL_SCALAR, EXP, LOG, SQRT, TANH, POW, RELU]", Arrays.toString(UnaryOp.values()));
        assertEquals("[ADD, SUB, MUL, DIV]", Arrays.toString(BinaryOp.values()));
        String src = CudaKernels.source("elementwise");
        for (UnaryOp op : UnaryOp.values()) assertTrue(src.contains("case " + op.ordinal() + ":") && src.contains("// " + op.name()), op.name());
        for (BinaryOp op : BinaryOp.values()) assertTrue(src.contains("// " + op.name()), op.name());
    }
}
