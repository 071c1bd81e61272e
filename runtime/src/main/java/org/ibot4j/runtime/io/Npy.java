package org.ibot4j.runtime.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * NumPy {@code .npy} files: magic {@code \x93NUMPY}, version, a Python-literal header
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded to a 64-byte boundary, then the
 * array in C order. Writes version 1.0 float32; reads versions 1-3 with {@code <f4}, {@code <f8}, {@code <f2}
 * (and little-endian integers) converted to float32.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Writes {@code t} as a C-order little-endian float32 array, atomically. */
    public static void save(Path path, Tensor t) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        int[] dims = t.dims();
        for (int i = 0; i < dims.length; i++) shape.append(i > 0 ? ", " : "").append(dims[i]);
        if (dims.length == 1) shape.append(',');
        shape.append(')');
        StringBuilder h = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }");
        int total = MAGIC.length + 4 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h.append(" ".repeat(pad)).append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.US_ASCII);
        if (header.length > 65535) throw new IOException(path + ": shape too long for a .npy header");
        AtomicFiles.write(path, out -> {
            out.bytes(MAGIC);
            out.u8(1);
            out.u8(0);
            out.u16(header.length);
            out.bytes(header);
            if (t.isContiguous() && t.device() == org.ibot4j.runtime.tensor.Device.CPU) out.floats(t.array(), t.offset(), t.size());
            else { float[] v = t.toArray(); out.floats(v, 0, v.length); }
        });
    }

    /** Reads a .npy array as a float32 tensor. */
    public static Tensor load(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException(path + ": no such .npy file");
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment f = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if (size < 10 || !java.util.Arrays.equals(f.asSlice(0, 6).toArray(ValueLayout.JAVA_BYTE), MAGIC))
                throw bad(path, "not a .npy file (no \\x93NUMPY magic)");
            int major = f.get(ValueLayout.JAVA_BYTE, 6);
            long headerLen, start;
            if (major == 1) {
                headerLen = Short.toUnsignedLong(f.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
                start = 10;
            } else if (major == 2 || major == 3) {
                if (size < 12) throw bad(path, "truncated header");
                headerLen = Integer.toUnsignedLong(f.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
                start = 12;
            } else {
                throw bad(path, "unsupported .npy version " + major);
            }
            if (start + headerLen > size) throw bad(path, "header runs past the end of the file (truncated)");
            String header = new String(f.asSlice(start, headerLen).toArray(ValueLayout.JAVA_BYTE),
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = find(path, DESCR, header, "descr");
            if (find(path, FORTRAN, header, "fortran_order").equals("True"))
                throw bad(path, "fortran_order is True; only C-order arrays are supported (save with np.ascontiguousarray)");
            int[] dims = parseShape(path, find(path, SHAPE, header, "shape"));
            ElementType type = switch (descr) {
                case "<f4" -> ElementType.F32;
                case "<f8" -> ElementType.F64;
                case "<f2" -> ElementType.F16;
                case "<i8" -> ElementType.I64;
                case "<i4" -> ElementType.I32;
                case "|u1" -> ElementType.U8;
                case "|b1" -> ElementType.BOOL;
                default -> throw bad(path, "unsupported dtype '" + descr + "' (expected '<f4', '<f8' or '<f2')");
            };
            long numel = 1;
            for (int d : dims) numel *= d;
            long dataStart = start + headerLen, need = numel * type.bytes();
            if (dataStart + need > size)
                throw bad(path, "data needs " + need + " bytes but only " + (size - dataStart) + " follow the header (truncated)");
            if (numel > Integer.MAX_VALUE - 16) throw bad(path, "array too large");
            float[] v = new float[(int) numel];
            type.readFloats(f, dataStart, v, 0, v.length, ByteOrder.LITTLE_ENDIAN);
            return Tensor.of(v, dims);
        }
    }

    private static String find(Path path, Pattern p, String header, String what) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) throw bad(path, "header has no '" + what + "': " + header.strip());
        return m.group(1);
    }

    private static int[] parseShape(Path path, String s) throws IOException {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.strip();
            if (p.endsWith("L")) p = p.substring(0, p.length() - 1);
            if (p.isEmpty()) continue;
            try {
                int d = Integer.parseInt(p);
                if (d < 0) throw new NumberFormatException();
                dims.add(d);
            } catch (NumberFormatException e) {
                throw bad(path, "bad dimension '" + p + "' in shape (" + s + ")");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static IOException bad(Path path, String what) { return new IOException(path + ": invalid .npy file: " + what); }
}
