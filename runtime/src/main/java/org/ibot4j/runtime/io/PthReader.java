package org.ibot4j.runtime.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * Reads PyTorch checkpoints in the zip format of {@code torch.save} (PyTorch 1.6 and later) without Python.
 *
 * <p>The archive is memory-mapped; the pickle {@code <prefix>/data.pkl} (any prefix folder) is interpreted by
 * an allow-listing pickle machine, and each storage {@code <prefix>/data/<key>} is read once, straight from the
 * mapping into a float32 array (float16, bfloat16, float64 and integer storages are converted). The heap
 * therefore holds about one float32 copy of the weights and nothing else of size. {@link #open} reads nothing
 * of size at all: its tensors are {@link LazyTensor}s converted on demand, straight into their destination.
 *
 * <p>Object model of the result: dict / OrderedDict → {@code LinkedHashMap<Object,Object>} (string keys stay
 * {@code String}, int keys become {@code Long}); list → mutable {@code List}; tuple and {@code torch.Size} →
 * unmodifiable {@code List}; int → {@code Long} (or {@code BigInteger} beyond 64 bits); float → {@code Double};
 * str → {@code String}; bool → {@code Boolean}; None → null; bytes → {@code byte[]}; set → {@code Set};
 * tensor / Parameter → {@link Tensor} (a view with the saved offset and strides over a shared float32 storage;
 * one read from an int64 storage has {@link Tensor#savedDType()} I64, so {@link PthWriter} saves it as int64 again);
 * allow-listed plain classes such as argparse {@code Namespace} → {@link PickledObject}. Any other global is
 * refused by name: no code from the file is ever run.
 */
public final class PthReader {
    private PthReader() {}

    /** The unpickled root object of the checkpoint at {@code path}, every tensor read into the heap. */
    public static Object load(Path path) throws IOException {
        try (ZipArchive zip = openZip(path)) {
            return unpickle(zip, false);
        }
    }

    /**
     * Opens the checkpoint at {@code path} lazily: the pickle is read (and checked) now, but every tensor is left
     * in the mapped file as a {@link LazyTensor}, to be converted straight into its destination (a storage in a
     * compressed entry, which {@code torch.save} never writes, is inflated once into a byte array). Close the
     * archive when done reading.
     */
    public static PthArchive open(Path path) throws IOException {
        ZipArchive zip = openZip(path);
        try {
            return new PthArchive(zip, unpickle(zip, true));
        } catch (IOException | RuntimeException | Error e) {
            zip.close();
            throw e;
        }
    }

    private static ZipArchive openZip(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException(path + ": no such checkpoint file");
        return ZipArchive.open(path);
    }

    private static Object unpickle(ZipArchive zip, boolean lazy) throws IOException {
        Path path = zip.path();
        String pkl = findPickle(zip);
        String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
        ByteOrder order = byteOrder(zip, prefix);
        byte[] pickle = zip.bytes(zip.entries().get(pkl));
        try {
            return Unpickler.load(path + " (" + pkl + ")", pickle, new TorchPickleEnv(zip, prefix, order, lazy));
        } catch (RuntimeException e) { // malformed values in an otherwise well-formed stream
            throw new IOException(path + ": corrupt checkpoint pickle " + pkl + ": " + e, e);
        }
    }

    /** The lazy-tensor entries of {@code dict} (from {@link #open}), in order, keyed by {@code String.valueOf(key)}. */
    public static Map<String, LazyTensor> lazyTensors(Map<?, ?> dict) {
        Map<String, LazyTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet())
            if (e.getValue() instanceof LazyTensor t) out.put(String.valueOf(e.getKey()), t);
        return out;
    }

    /** The tensor-valued entries of {@code dict}, in order, keyed by {@code String.valueOf(key)}. */
    public static Map<String, Tensor> tensors(Map<?, ?> dict) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet())
            if (e.getValue() instanceof Tensor t) out.put(String.valueOf(e.getKey()), t);
        return out;
    }

    private static String findPickle(ZipArchive zip) throws IOException {
        String best = null;
        for (String name : zip.entries().keySet()) {
            if (!name.equals("data.pkl") && !name.endsWith("/data.pkl")) continue;
            if (best == null || name.length() < best.length()) best = name;
        }
        if (best == null)
            throw new IOException(zip.path() + ": not a PyTorch checkpoint (the zip archive has no data.pkl; entries: "
                    + zip.entries().keySet().stream().limit(5).toList() + ")");
        return best;
    }

    private static ByteOrder byteOrder(ZipArchive zip, String prefix) throws IOException {
        ZipArchive.Entry e = zip.entries().get(prefix + "byteorder");
        if (e == null) return ByteOrder.LITTLE_ENDIAN;
        String s = new String(zip.bytes(e), StandardCharsets.US_ASCII).strip();
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new IOException(zip.path() + ": unknown byteorder '" + s + "'");
        };
    }
}
