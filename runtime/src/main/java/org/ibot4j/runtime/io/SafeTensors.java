package org.ibot4j.runtime.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.tensor.DType;
import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * {@code {dtype, shape, data_offsets}} (plus an optional {@code __metadata__} map of strings), then the raw
 * little-endian data. Reading maps the file and converts F32/F16/BF16/F64/I64 (and I32/I16/I8/U8/BOOL) to
 * float32 (eagerly with {@link #load}, on demand with {@link #open}; an I64 tensor read is marked to be
 * saved as I64 again); writing stores F32, or I64 for a tensor whose {@link Tensor#savedDType()} is I64.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    /** What a safetensors file holds: tensors in header order, and the header's string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private SafeTensors() {}

    /** Reads every tensor of {@code path} as float32, validating the header against the file. */
    public static Contents load(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Lazy lazy = parse(path, arena);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            lazy.tensors().forEach((name, t) -> tensors.put(name, t.read()));
            return new Contents(Collections.unmodifiableMap(tensors), lazy.metadata());
        }
    }

    /**
     * Opens {@code path} lazily: the header is read and validated now, the tensors stay in the memory-mapped file
     * as {@link LazyTensor}s, converted to float32 only when read (straight into a destination with
     * {@link LazyTensor#readInto}). Close the archive when done reading.
     */
    public static Archive open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            Lazy lazy = parse(path, arena);
            return new Archive(path, arena, lazy.tensors(), lazy.metadata());
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A safetensors file opened by {@link #open}: still mapped, its tensors unread. Closing unmaps it; its lazy
     * tensors cannot be read afterwards.
     */
    public static final class Archive implements AutoCloseable {
        private final Path path;
        private final Arena arena;
        private final Map<String, LazyTensor> tensors;
        private final Map<String, String> metadata;

        private Archive(Path path, Arena arena, Map<String, LazyTensor> tensors, Map<String, String> metadata) {
            this.path = path;
            this.arena = arena;
            this.tensors = tensors;
            this.metadata = metadata;
        }

        public Path path() { return path; }

        /** The tensors in header order, unread. */
        public Map<String, LazyTensor> tensors() { return tensors; }

        /** The header's string metadata. */
        public Map<String, String> metadata() { return metadata; }

        @Override public void close() { arena.close(); }
    }

    /** A parsed header: where each tensor lies in the mapping (valid while the arena is open). */
    private record Lazy(Map<String, LazyTensor> tensors, Map<String, String> metadata) {}

    private static Lazy parse(Path path, Arena arena) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException(path + ": no such safetensors file");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(path, "file has only " + size + " bytes, not even a header length");
            MemorySegment f = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLen = f.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size)
                throw bad(path, "header length " + headerLen + " does not fit in a file of " + size + " bytes (truncated, or not safetensors)");
            byte[] hb = f.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb, StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw bad(path, "header is not valid JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) throw bad(path, "header is not a JSON object");
            long dataStart = 8 + headerLen, dataSize = size - dataStart;
            Map<String, LazyTensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                String name = e.getKey();
                JsonNode info = e.getValue();
                if (name.equals("__metadata__")) {
                    if (!info.isObject()) throw bad(path, "__metadata__ is not an object");
                    for (Map.Entry<String, JsonNode> m : info.properties()) {
                        if (!m.getValue().isTextual()) throw bad(path, "metadata value of '" + m.getKey() + "' is not a string");
                        metadata.put(m.getKey(), m.getValue().asText());
                    }
                    continue;
                }
                tensors.put(name, readTensor(path, name, info, f, dataStart, dataSize));
            }
            return new Lazy(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        }
    }

    private static LazyTensor readTensor(Path path, String name, JsonNode info, MemorySegment f, long dataStart, long dataSize)
            throws IOException {
        if (!info.isObject()) throw bad(path, "entry '" + name + "' is not an object");
        ElementType type = dtype(path, name, info.path("dtype").asText(""));
        JsonNode shapeNode = info.get("shape"), offs = info.get("data_offsets");
        if (shapeNode == null || !shapeNode.isArray()) throw bad(path, "tensor '" + name + "' has no shape array");
        if (offs == null || !offs.isArray() || offs.size() != 2 || !offs.get(0).canConvertToLong() || !offs.get(1).canConvertToLong())
            throw bad(path, "tensor '" + name + "' needs data_offsets [begin, end]");
        int[] dims = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToInt() || d.asInt() < 0) throw bad(path, "tensor '" + name + "' has a bad dimension " + d);
            dims[i] = d.asInt();
            numel *= dims[i];
        }
        long begin = offs.get(0).asLong(), end = offs.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize)
            throw bad(path, "tensor '" + name + "' data_offsets [" + begin + ", " + end + "] lie outside the " + dataSize
                    + " data bytes (truncated file?)");
        if (end - begin != numel * type.bytes())
            throw bad(path, "tensor '" + name + "' of shape " + java.util.Arrays.toString(dims) + " and dtype " + type
                    + " needs " + numel * type.bytes() + " bytes, data_offsets give " + (end - begin));
        if (numel > Integer.MAX_VALUE - 16) throw bad(path, "tensor '" + name + "' is too large");
        StoredArray stored = new StoredArray(path.toString(), name, type, numel, f.asSlice(dataStart + begin, end - begin),
                ByteOrder.LITTLE_ENDIAN);
        return new LazyTensor(stored, 0, dims, Shape.of(dims).contiguousStrides());
    }

    private static ElementType dtype(Path path, String name, String s) throws IOException {
        return switch (s) {
            case "F32" -> ElementType.F32;
            case "F16" -> ElementType.F16;
            case "BF16" -> ElementType.BF16;
            case "F64" -> ElementType.F64;
            case "I64" -> ElementType.I64;
            case "I32" -> ElementType.I32;
            case "I16" -> ElementType.I16;
            case "I8" -> ElementType.I8;
            case "U8" -> ElementType.U8;
            case "BOOL" -> ElementType.BOOL;
            default -> throw bad(path, "tensor '" + name + "' has unsupported dtype '" + s + "'");
        };
    }

    /**
     * Writes {@code tensors} (in map order) with {@code metadata}, atomically: each as F32, or as I64 when its
     * {@link Tensor#savedDType()} is I64 (whole-number values, checked before the file is touched).
     */
    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        Map<String, long[]> longs = new LinkedHashMap<>();
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IOException(path + ": '__metadata__' cannot name a tensor");
            Tensor t = e.getValue();
            boolean int64 = t.savedDType() == DType.I64;
            if (int64) longs.put(e.getKey(), Int64Values.of(t, "'" + e.getKey() + "' of " + path));
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", int64 ? "I64" : "F32");
            ArrayNode shape = info.putArray("shape");
            for (int d : t.dims()) shape.add(d);
            long end = off + (int64 ? 8L : 4L) * t.size();
            info.putArray("data_offsets").add(off).add(end);
            off = end;
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        AtomicFiles.write(path, out -> {
            out.u64(padded);
            out.bytes(h);
            for (int i = h.length; i < padded; i++) out.u8(' ');
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                long[] l = longs.get(e.getKey());
                if (l != null) out.longs(l);
                else if (t.isContiguous() && t.device() == org.ibot4j.runtime.tensor.Device.CPU) out.floats(t.array(), t.offset(), t.size());
                else { float[] v = t.toArray(); out.floats(v, 0, v.length); }
            }
        });
    }

    private static IOException bad(Path path, String what) { return new IOException(path + ": invalid safetensors file: " + what); }
}
