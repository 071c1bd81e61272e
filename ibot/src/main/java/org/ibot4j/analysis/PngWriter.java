package org.ibot4j.analysis;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;

/** PNG encoding of rendered images through ImageIO: to a file, to bytes, or to a base64 {@code data:} URI. */
public final class PngWriter {
    private PngWriter() {}

    /** The PNG bytes of {@code img}. */
    public static byte[] encode(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available in ImageIO");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Writes {@code img} as a PNG file (parent folders created) and returns its bytes. */
    public static byte[] write(BufferedImage img, Path file) throws IOException {
        byte[] bytes = encode(img);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(file, bytes);
        return bytes;
    }

    /** {@code data:image/png;base64,...} for PNG bytes, for inlining into a self-contained HTML page. */
    public static String dataUri(byte[] png) { return "data:image/png;base64," + Base64.getEncoder().encodeToString(png); }
}
