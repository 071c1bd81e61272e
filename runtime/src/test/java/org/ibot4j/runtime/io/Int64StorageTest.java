package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.DType;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensors marked {@link DType#I64} (index buffers) are written as int64: a {@code torch.LongStorage} of 8-byte
 * little-endian values in .pth, dtype {@code I64} in safetensors; our readers give the values back exactly and
 * keep the mark, so a re-save stays int64; PyTorch (when /usr/bin/python3 has torch) sees {@code torch.int64}.
 */
class Int64StorageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    // beyond 2^24 a float32 holds only even integers: 16777218 is exact, as are negative values and zero
    private static final float[] VALUES = {0, 1, 48, -5, 16777218f, 123456};
    @TempDir Path tmp;

    private static Tensor index() { return Tensor.of(VALUES.clone(), 2, 3).withSavedDType(DType.I64); }

    private static long[] expectedLongs(float[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) l[i] = (long) v[i];
        return l;
    }

    private static Map<String, Object> root() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("weight", Tensor.randn(new Rng(3), 4, 2));
        root.put("relative_position_index", index());
        root.put("index_t", index().transpose(0, 1).contiguous().withSavedDType(DType.I64));
        root.put("strided_index", Tensor.of(VALUES.clone(), 2, 3).transpose(0, 1).withSavedDType(DType.I64)); // non-contiguous
        root.put("epoch", 2L);
        return root;
    }

    @Test void markIsAFileTypeOnly() {
        Tensor i = index();
        assertEquals(DType.I64, i.savedDType());
        assertEquals(DType.I64, i.detach().savedDType());
        assertEquals(DType.F32, i.add(i).savedDType(), "an op's result is float32 again");
        assertEquals(DType.F32, Tensor.zeros(2).savedDType());
        assertArrayEquals(VALUES, i.toArray());
        assertThrows(IllegalArgumentException.class, () -> i.withSavedDType(DType.F16));
    }

    @Test void pthWritesLongStoragesThatReadBackExactly() throws IOException {
        Map<String, Object> root = root();
        Path p = tmp.resolve("idx.pth");
        PthWriter.save(p, root);

        Map<?, ?> back = assertInstanceOf(Map.class, PthReader.load(p));
        for (String k : List.of("relative_position_index", "index_t", "strided_index")) {
            Tensor exp = (Tensor) root.get(k), got = (Tensor) back.get(k);
            assertArrayEquals(exp.dims(), got.dims(), k);
            assertArrayEquals(exp.toArray(), got.toArray(), k);
            assertEquals(DType.I64, got.savedDType(), k);
        }
        assertArrayEquals(((Tensor) root.get("weight")).toArray(), ((Tensor) back.get("weight")).toArray());
        assertEquals(DType.F32, ((Tensor) back.get("weight")).savedDType());

        try (ZipArchive zip = ZipArchive.open(p)) {
            String pickle = new String(zip.bytes(zip.entries().get("archive/data.pkl")), StandardCharsets.ISO_8859_1);
            assertTrue(pickle.contains("torch\nLongStorage\n"), "pickle names torch.LongStorage");
            assertTrue(pickle.contains("torch\nFloatStorage\n"), "and torch.FloatStorage for the weight");
            ZipArchive.Entry e = zip.entries().get("archive/data/1"); // storages numbered in pickle order
            assertEquals(8L * VALUES.length, e.size());
            assertEquals(0, zip.dataOffset(e) % 64, "int64 storage aligned to 64 bytes");
            long[] raw = new long[VALUES.length];
            ByteBuffer.wrap(zip.bytes(e)).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(raw);
            assertArrayEquals(expectedLongs(VALUES), raw);
        }
        try (PthArchive a = PthReader.open(p)) {
            Map<String, LazyTensor> lazy = PthReader.lazyTensors((Map<?, ?>) a.root());
            assertEquals("int64", lazy.get("relative_position_index").dtype());
            assertEquals("float32", lazy.get("weight").dtype());
            Tensor read = lazy.get("strided_index").read();
            assertEquals(DType.I64, read.savedDType());
            assertArrayEquals(((Tensor) root.get("strided_index")).toArray(), read.toArray());
        }

        // what was read is written again as int64
        Path again = tmp.resolve("again.pth");
        PthWriter.save(again, back);
        try (PthArchive a = PthReader.open(again)) {
            assertEquals("int64", PthReader.lazyTensors((Map<?, ?>) a.root()).get("relative_position_index").dtype());
        }
    }

    @Test void nonIntegralValuesFailBeforeTheFileIsWritten() throws IOException {
        for (float bad : new float[] {1.5f, Float.NaN, Float.POSITIVE_INFINITY, 1e19f}) {
            Map<String, Object> root = Map.of("idx", Tensor.of(new float[] {3, bad}, 2).withSavedDType(DType.I64));
            Path p = tmp.resolve("bad.pth");
            IOException e = assertThrows(IOException.class, () -> PthWriter.save(p, root));
            assertTrue(e.getMessage().contains("int64") && e.getMessage().contains("idx") && e.getMessage().contains("element 1"), e.getMessage());
            assertFalse(Files.exists(p));
            Path s = tmp.resolve("bad.safetensors");
            IOException e2 = assertThrows(IOException.class,
                    () -> SafeTensors.save(s, Map.of("idx", (Tensor) root.get("idx")), Map.of()));
            assertTrue(e2.getMessage().contains("int64") && e2.getMessage().contains("'idx'"), e2.getMessage());
            assertFalse(Files.exists(s));
        }
        try (var dir = Files.list(tmp)) {
            assertEquals(List.of(), dir.toList(), "no temporary file left behind");
        }
    }

    @Test void safetensorsWritesI64() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        root().forEach((k, v) -> { if (v instanceof Tensor t) tensors.put(k, t); });
        Path p = tmp.resolve("idx.safetensors");
        SafeTensors.save(p, tensors, Map.of("format", "pt"));

        byte[] raw = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong();
        JsonNode header = JSON.readTree(new String(raw, 8, n, StandardCharsets.UTF_8));
        assertEquals("F32", header.get("weight").get("dtype").asText());
        JsonNode idx = header.get("relative_position_index");
        assertEquals("I64", idx.get("dtype").asText());
        long begin = idx.get("data_offsets").get(0).asLong(), end = idx.get("data_offsets").get(1).asLong();
        assertEquals(8L * VALUES.length, end - begin);
        long[] stored = new long[VALUES.length];
        ByteBuffer.wrap(raw, 8 + n + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(stored);
        assertArrayEquals(expectedLongs(VALUES), stored);

        SafeTensors.Contents c = SafeTensors.load(p);
        for (var e : tensors.entrySet()) {
            Tensor got = c.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().dims(), got.dims(), e.getKey());
            assertArrayEquals(e.getValue().toArray(), got.toArray(), e.getKey());
            assertEquals(e.getValue().savedDType(), got.savedDType(), e.getKey());
        }
        try (SafeTensors.Archive a = SafeTensors.open(p)) {
            assertEquals("int64", a.tensors().get("index_t").dtype());
        }
        Path again = tmp.resolve("again.safetensors");
        SafeTensors.save(again, c.tensors(), Map.of());
        assertEquals(DType.I64, SafeTensors.load(again).tensors().get("relative_position_index").savedDType());
    }

    /** When /usr/bin/python3 has torch: {@code torch.load} sees torch.int64 with our values, and float32 next to it. */
    @Test void pytorchSeesInt64() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        Assumptions.assumeTrue(run(List.of(python.toString(), "-c", "import torch")).code() == 0, "python3 has no torch");
        Map<String, Object> root = root();
        Path p = tmp.resolve("for_torch.pth");
        PthWriter.save(p, root);
        String script = "import sys, torch\n"
                + "ck = torch.load(sys.argv[1], map_location='cpu')\n"
                + "for k in ('weight', 'relative_position_index', 'index_t', 'strided_index'):\n"
                + "    v = ck[k]\n"
                + "    print(k, str(v.dtype), 'x'.join(map(str, v.shape)), ','.join(repr(x) for x in v.flatten().tolist()))\n";
        Result r = run(List.of(python.toString(), "-c", script, p.toString()));
        assertEquals(0, r.code(), r.out());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("weight torch.float32 4x2 "), r.out());
        for (int i = 1; i < 4; i++) {
            String[] f = lines.get(i).split(" ");
            Tensor exp = (Tensor) root.get(f[0]);
            assertEquals("torch.int64", f[1], lines.get(i));
            assertEquals(exp.dim(0) + "x" + exp.dim(1), f[2], lines.get(i));
            StringBuilder values = new StringBuilder();
            for (long v : expectedLongs(exp.toArray())) values.append(values.isEmpty() ? "" : ",").append(v);
            assertEquals(values.toString(), f[3], lines.get(i));
        }
    }

    private record Result(int code, String out) {}

    private Result run(List<String> cmd) throws Exception {
        Process proc = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(120, TimeUnit.SECONDS)) { proc.destroyForcibly(); return new Result(-1, out); }
        return new Result(proc.exitValue(), out);
    }
}
