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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Image files on disk: listing the images of a folder (recursively, in the order torchvision's
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

    /**
     * All image files under {@code dir}, recursively (following links, as torchvision's {@code os.walk(...,
     * followlinks=True)}), in ImageFolder's sample order: a folder's own files sorted by name, then each
     * sub-folder in name order, recursively (so class folders come in class-index order).
     */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.exists(dir)) throw new NoSuchFileException(dir.toString(), null, "no such folder");
        if (!Files.isDirectory(dir)) throw new NotDirectoryException(dir.toString());
        List<Path> out = new ArrayList<>();
        collect(dir, out, new HashSet<>());
        return out;
    }

    private static void collect(Path dir, List<Path> out, Set<Path> seen) throws IOException {
        if (!seen.add(dir.toRealPath())) return; // a link cycle
        List<Path> files = new ArrayList<>(), dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isDirectory(p)) dirs.add(p);
                else if (Files.isRegularFile(p) && isImage(p)) files.add(p);
            }
        }
        Comparator<Path> byName = Comparator.comparing(p -> p.getFileName().toString());
        files.sort(byName);
        dirs.sort(byName);
        out.addAll(files);
        for (Path d : dirs) collect(d, out, seen);
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
