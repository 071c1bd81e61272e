package org.ibot4j.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Image files on disk: listing the images of a folder (recursively, sorted by path, as torchvision's
 * ImageFolder sorts its samples) and decoding one into 8-bit RGB the way PIL's {@code convert('RGB')} does
 * (grey replicated, alpha dropped without compositing, palettes looked up, 16-bit samples reduced to their high
 * byte). A file that cannot be decoded is an {@link IOException} naming it, never a silent skip.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** File extensions (lower case, without the dot) treated as images, those torchvision's loader accepts. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "ppm", "bmp", "pgm", "tif", "tiff", "webp", "gif");

    /** Whether {@code file}'s name ends with one of {@link #EXTENSIONS} (case-insensitive). */
    public static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** All image files under {@code dir} (recursively, following no links), sorted by their path string. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.exists(dir)) throw new NoSuchFileException(dir.toString(), null, "no such folder");
        if (!Files.isDirectory(dir)) throw new NotDirectoryException(dir.toString());
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFiles::isImage)
                    .sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
        }
    }

    /** Decodes {@code file} into RGB; an unreadable, unsupported or corrupt file is an IOException naming it. */
    public static RgbImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such image file");
        BufferedImage img;
        try (InputStream in = Files.newInputStream(file)) {
            img = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) throw new IOException("cannot decode image " + file + ": not a supported image format (or corrupt)");
        try {
            return toRgb(img);
        } catch (RuntimeException e) {
            throw new IOException("cannot convert image " + file + " to RGB: " + e.getMessage(), e);
        }
    }

    /** {@code img} as 8-bit RGB, reading raw samples (never {@code getRGB}, whose colour management alters grey levels). */
    public static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        Raster r = img.getRaster();
        ColorModel cm = img.getColorModel();
        byte[] out = new byte[3 * w * h];
        int[] px = new int[r.getNumBands()];
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int i = r.getSample(x, y, 0), o = (y * w + x) * 3;
                    out[o] = (byte) icm.getRed(i);
                    out[o + 1] = (byte) icm.getGreen(i);
                    out[o + 2] = (byte) icm.getBlue(i);
                }
            return new RgbImage(w, h, out);
        }
        int bands = r.getNumBands();
        int colourBands = cm.getColorSpace().getNumComponents();
        if (colourBands != 1 && colourBands != 3)
            throw new IllegalArgumentException("unsupported colour space with " + colourBands + " components (e.g. CMYK)");
        int[] shift = new int[bands];
        int[] max = new int[bands];
        for (int b = 0; b < bands; b++) {
            int bits = r.getSampleModel().getSampleSize(b);
            shift[b] = Math.max(bits - 8, 0);
            max[b] = bits < 8 ? (1 << bits) - 1 : 0;
        }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                r.getPixel(x, y, px);
                int o = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int b = colourBands == 1 ? 0 : c;
                    int v = max[b] != 0 ? px[b] * 255 / max[b] : px[b] >>> shift[b];
                    out[o + c] = (byte) v;
                }
            }
        return new RgbImage(w, h, out);
    }
}
