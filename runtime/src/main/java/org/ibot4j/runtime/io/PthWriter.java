package org.ibot4j.runtime.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes {@code .pth} files in the zip format that {@code torch.load} (PyTorch 1.6 and later) opens:
 * {@code archive/data.pkl} (pickle protocol 2), one storage per tensor under {@code archive/data/<key>}
 * (contiguous, 64-byte aligned, uncompressed) and {@code archive/version}. A storage is float32, or int64
 * ({@code torch.LongStorage}) for a tensor whose {@link org.ibot4j.runtime.tensor.Tensor#savedDType()} is I64
 * (its values must be whole numbers; saving fails before the file is touched otherwise).
 *
 * <p>The root may be a map of tensors and plain values: nested maps (saved as dicts, in iteration order),
 * lists, numbers, strings, booleans, null, {@code byte[]}, and {@link PickledObject}s read by
 * {@link PthReader}. {@code org.ibot4j.runtime.tensor.Tensor}s are saved as plain tensors of their saved dtype,
 * without gradient state. The file is written atomically (temporary file in the same folder, then moved).
 */
public final class PthWriter {
    private static final String ARCHIVE = "archive/";

    private PthWriter() {}

    /** Saves {@code root} to {@code path}. */
    public static void save(Path path, Object root) throws IOException {
        TorchPickler pickler = new TorchPickler();
        byte[] pickle;
        try {
            pickle = pickler.pickle(root);
        } catch (IOException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(path, out -> {
            ZipWriter zip = new ZipWriter(out);
            zip.add(ARCHIVE + "data.pkl", pickle);
            for (TorchPickler.StorageOut s : pickler.storages()) {
                String name = ARCHIVE + "data/" + s.key();
                switch (s) {
                    case TorchPickler.FloatsOut f -> zip.addFloats(name, f.data(), f.offset(), f.length());
                    case TorchPickler.LongsOut l -> zip.addLongs(name, l.data());
                }
            }
            zip.add(ARCHIVE + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            zip.finish();
        });
    }
}
