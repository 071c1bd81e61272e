package org.ibot4j.runtime.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.ibot4j.runtime.tensor.DType;

/**
 * The element types a stored array may have on disk, each converted to float32 when read (int64 values
 * beyond 2^24 lose precision, as a float32 cast in PyTorch would).
 */
enum ElementType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int bytes;

    ElementType(int bytes) { this.bytes = bytes; }

    /** PyTorch's name of the type ({@code float32}, {@code bfloat16}, ...). */
    String torchName() {
        return switch (this) {
            case F32 -> "float32"; case F16 -> "float16"; case BF16 -> "bfloat16"; case F64 -> "float64";
            case I64 -> "int64"; case I32 -> "int32"; case I16 -> "int16"; case I8 -> "int8"; case U8 -> "uint8";
            case BOOL -> "bool";
        };
    }

    /** Size of one element in bytes. */
    int bytes() { return bytes; }

    /** Reads {@code count} elements at {@code byteOffset} of {@code src} as float32 into {@code dst}. */
    void readFloats(MemorySegment src, long byteOffset, float[] dst, int dstOff, int count, ByteOrder order) {
        switch (this) {
            case F32 -> MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), byteOffset, dst, dstOff, count);
            case F16 -> {
                ValueLayout.OfShort l = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                for (int i = 0; i < count; i++) dst[dstOff + i] = DType.halfToFloat(src.get(l, byteOffset + 2L * i));
            }
            case BF16 -> {
                ValueLayout.OfShort l = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                for (int i = 0; i < count; i++)
                    dst[dstOff + i] = DType.bf16ToFloat(src.get(l, byteOffset + 2L * i));
            }
            case F64 -> {
                ValueLayout.OfDouble l = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order);
                for (int i = 0; i < count; i++) dst[dstOff + i] = (float) src.get(l, byteOffset + 8L * i);
            }
            case I64 -> {
                ValueLayout.OfLong l = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
                for (int i = 0; i < count; i++) dst[dstOff + i] = (float) src.get(l, byteOffset + 8L * i);
            }
            case I32 -> {
                ValueLayout.OfInt l = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
                for (int i = 0; i < count; i++) dst[dstOff + i] = (float) src.get(l, byteOffset + 4L * i);
            }
            case I16 -> {
                ValueLayout.OfShort l = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                for (int i = 0; i < count; i++) dst[dstOff + i] = src.get(l, byteOffset + 2L * i);
            }
            case I8 -> {
                for (int i = 0; i < count; i++) dst[dstOff + i] = src.get(ValueLayout.JAVA_BYTE, byteOffset + i);
            }
            case U8 -> {
                for (int i = 0; i < count; i++) dst[dstOff + i] = Byte.toUnsignedInt(src.get(ValueLayout.JAVA_BYTE, byteOffset + i));
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) dst[dstOff + i] = src.get(ValueLayout.JAVA_BYTE, byteOffset + i) != 0 ? 1f : 0f;
            }
        }
    }
}
