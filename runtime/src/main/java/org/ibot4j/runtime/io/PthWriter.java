package org.ibot4j.runtime.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes {@code .pth} files in the zip format that {@code torch.load} (PyTorch 1.6 and later) opens:
 * {@code archive/data.pkl} (pickle protocol 2), one float32 storage per tensor under {@code archive/data/<key>}
 * (contiguous, 64-byte aligned, uncompressed) and {@code archive/version}.
 *
 * <p>The root may be a map of tensors and plain values: nested maps (saved as dicts, in iteration order),
 * lists, numbers, strings, booleans, null, {@code byte[]}, and {@link PickledObject}s read by
 * {@link PthReader}. {@code org.ibot4j.runtime.tensor.Tensor}s are saved as plain float32 tensors without gradient state. The file is written
 * atomically (temporary file in the same folder, then moved).
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
            for (TorchPickler.StorageOut s : pickler.storages())
                zip.addFloats(ARCHIVE + "data/" + s.key(), s.data(), s.offset(), s.length());
            zip.add(ARCHIVE + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            zip.finish();
        });
    }
}
