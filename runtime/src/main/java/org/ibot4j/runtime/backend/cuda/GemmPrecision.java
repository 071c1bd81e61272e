package org.ibot4j.runtime.backend.cuda;

/**
 * How the CUDA backend runs GEMMs. FP32: full float32 (pedantic math, the parity default); TF32: float32 data
 * on TF32 tensor cores; BF16: autocast — operands converted to bfloat16 on the device, float32 accumulation
 * and output (the float32 master weights are never rounded); FP16: the same with IEEE half operands (values
 * beyond ±65504 become infinite — pre-training pairs it with dynamic loss scaling, spec 7.4).
 */
public enum GemmPrecision {
    FP32, TF32, BF16, FP16;

    /** The setting {@code ibot4j.cuda.gemm} (fp32, tf32, bf16), FP32 when unset. */
    public static GemmPrecision fromSetting() {
        String v = System.getProperty("ibot4j.cuda.gemm", System.getenv().getOrDefault("IBOT4J_CUDA_GEMM", "fp32"));
        try {
            return valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ibot4j.cuda.gemm must be fp32, tf32, bf16 or fp16, got '" + v + "'");
        }
    }
}
