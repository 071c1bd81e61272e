package org.ibot4j.runtime.tensor;

/**
 * Element types. Compute is float32; F16/BF16 exist so that storage (checkpoints, the GPU path) can hold
 * them and convert on load. Only F32 storage is implemented today. I64 is a file type only: the type a
 * tensor of integer values (an index buffer) is saved as in checkpoints, see {@link Tensor#savedDType()}.
 */
public enum DType {
    F32(4), F16(2), BF16(2), I64(8);

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    public int bytes() { return bytes; }

    /** IEEE half to float. */
    public static float halfToFloat(short h) { return Float.float16ToFloat(h); }

    /** bfloat16 (upper 16 bits of a float) to float. */
    public static float bf16ToFloat(short h) { return Float.intBitsToFloat((h & 0xffff) << 16); }
}
