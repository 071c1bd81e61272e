package org.ibot4j.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ibot4j.nativebind.cuda.Cublas;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.nativebind.cuda.CudaDriver;
import org.ibot4j.runtime.backend.cuda.CudaBackend;
import org.ibot4j.runtime.backend.cuda.CudaMemory;
import org.ibot4j.runtime.backend.cuda.CudaTensors;
import org.ibot4j.runtime.backend.cuda.GemmPrecision;
import org.ibot4j.runtime.tensor.Device;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Device GEMM, row-major C(m×n) = A(m×k)·B(k×n) with A, B and C resident on the GPU, in the precisions of
 * {@link GemmPrecision}: {@code tensorMatmul} is our op path ({@code a.matmul(b)} on CUDA tensors through the shared
 * {@link CudaBackend}: output from the caching pool, BF16 operands converted on the device each call), and
 * {@code cublasDirect} is cuBLAS called through our binding on the same buffers (SGEMM with pedantic or TF32 math mode;
 * for bf16, {@code cublasGemmEx} on operands converted to bfloat16 once, float32 accumulation and output). Each call
 * ends with a context synchronisation, so the time is the GPU's. Shapes are {@code MxNxK}: a square reference and the
 * two ViT-S/16 MLP products at batch 64 (64·197 tokens, 384 ↔ 1536). Score: microseconds per product;
 * {@code scripts/gpu-check.sh} turns it into TFLOP/s (2mnk per product).
 * Run: {@code java -cp ibot.jar:benchmarks-thin.jar:<jmh jars> org.openjdk.jmh.Main CudaGemmBenchmark}.
 * Without a GPU the setup fails with the reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudaGemmBenchmark {
    @Param({"fp32", "tf32", "bf16"})
    public String precision;

    /** m x n x k. */
    @Param({"4096x4096x4096", "12608x1536x384", "12608x384x1536"})
    public String shape;

    private int m, n, k;
    private GemmPrecision gemm;
    private Tensor a, b, c;
    private long pa, pb, pc, a16, b16;
    private Cublas blas;

    @Setup(Level.Trial)
    public void setUp() {
        if (!Cuda.available()) throw new IllegalStateException("CudaGemmBenchmark needs a GPU: " + Cuda.unavailableReason());
        if (!Cublas.isLoaded()) throw new IllegalStateException("CudaGemmBenchmark needs cuBLAS: " + Cublas.unavailableReason());
        String[] d = shape.split("x");
        if (d.length != 3) throw new IllegalArgumentException("shape must be MxNxK, got '" + shape + "'");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        k = Integer.parseInt(d[2]);
        try {
            gemm = GemmPrecision.valueOf(precision.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("precision must be fp32, tf32 or bf16, got '" + precision + "'");
        }
        CudaBackend.useShared(gemm);
        float[] ha = random(m * k, 1), hb = random(k * n, 2);
        a = Tensor.of(ha, m, k).to(Device.CUDA);
        b = Tensor.of(hb, k, n).to(Device.CUDA);
        c = CudaTensors.empty(Shape.of(m, n));
        pa = CudaTensors.address(a);
        pb = CudaTensors.address(b);
        pc = CudaTensors.address(c);
        Cuda.makeCurrent();
        blas = Cublas.create();
        blas.setStream(MemorySegment.NULL);
        blas.setMathMode(gemm == GemmPrecision.TF32 ? Cublas.TF32_TENSOR_OP_MATH : Cublas.PEDANTIC_MATH);
        if (gemm == GemmPrecision.BF16) {
            a16 = uploadBf16(ha);
            b16 = uploadBf16(hb);
        }
        CudaDriver.ctxSynchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (blas != null) blas.close();
        if (a16 != 0) CudaDriver.memFree(a16);
        if (b16 != 0) CudaDriver.memFree(b16);
        a = b = c = null;
        CudaMemory.collect();
        CudaMemory.releaseCached();
    }

    /** Our op path: a device-tensor matmul in the shared backend's precision, output allocated from the pool. */
    @Benchmark
    public Tensor tensorMatmul() {
        Tensor out = a.matmul(b);
        CudaDriver.ctxSynchronize();
        return out;
    }

    /** cuBLAS through the binding on the same device buffers, no allocation, no conversion. */
    @Benchmark
    public long cublasDirect() {
        if (gemm == GemmPrecision.BF16)
            blas.gemmExRowMajor(false, false, m, n, k, 1f, a16, Cublas.R_16BF, k, b16, n, 0f, pc, Cublas.R_32F, n,
                    Cublas.COMPUTE_32F);
        else
            blas.sgemmRowMajor(false, false, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
        CudaDriver.ctxSynchronize();
        return pc;
    }

    private static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /** bfloat16 copies (round to nearest even) of {@code x} in a new device buffer. */
    private static long uploadBf16(float[] x) {
        short[] h = new short[x.length];
        for (int i = 0; i < x.length; i++) {
            int bits = Float.floatToRawIntBits(x[i]);
            h[i] = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
        }
        long p = CudaDriver.memAlloc((long) h.length * Short.BYTES);
        CudaDriver.memcpyHtoD(p, MemorySegment.ofArray(h));
        return p;
    }
}
