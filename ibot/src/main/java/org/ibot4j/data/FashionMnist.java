package org.ibot4j.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from the gzip IDX files of Debian's {@code dataset-fashion-mnist} package
 * ({@code /usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz}): 28x28 grey images
 * held as bytes and returned as RGB with the grey value replicated, as PIL's {@code convert('RGB')} does. 10 classes.
 */
public final class FashionMnist implements Dataset {
    /** Where Debian installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private final int rows, cols;
    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(int rows, int cols, byte[] pixels, byte[] labels) {
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    /** True when {@code dir} holds the images file of the training or test split (how a Fashion-MNIST folder is recognised). */
    public static boolean holdsSplit(Path dir, boolean train) { return Files.exists(imagesFile(dir, train)); }

    private static Path imagesFile(Path dir, boolean train) { return dir.resolve((train ? "train" : "t10k") + "-images-idx3-ubyte.gz"); }

    /** The training (60000) or test (10000) split from {@link #DEFAULT_DIR}. */
    public static FashionMnist load(boolean train) throws IOException { return load(DEFAULT_DIR, train); }

    /** The training or test split from {@code dir}; a clear error with the install hint when the files are missing. */
    public static FashionMnist load(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = imagesFile(dir, train), labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        for (Path p : new Path[]{images, labels})
            if (!Files.isRegularFile(p))
                throw new IOException("Fashion-MNIST file " + p + " not found; install it with: apt-get install dataset-fashion-mnist");
        int rows, cols, n;
        byte[] px;
        try (DataInputStream in = open(images)) {
            magic(in, 0x803, images);
            n = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            px = in.readNBytes(n * rows * cols);
            if (px.length != n * rows * cols) throw new IOException("truncated IDX image file " + images);
        }
        byte[] lab;
        try (DataInputStream in = open(labels)) {
            magic(in, 0x801, labels);
            int m = in.readInt();
            if (m != n) throw new IOException("label file " + labels + " has " + m + " labels but the image file has " + n + " images");
            lab = in.readNBytes(m);
            if (lab.length != m) throw new IOException("truncated IDX label file " + labels);
        }
        return new FashionMnist(rows, cols, px, lab);
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = Files.newInputStream(p);
        return new DataInputStream(new GZIPInputStream(in, 1 << 16));
    }

    private static void magic(DataInputStream in, int expected, Path p) throws IOException {
        int m = in.readInt();
        if (m != expected) throw new IOException("bad IDX magic 0x" + Integer.toHexString(m) + " in " + p + ", expected 0x" + Integer.toHexString(expected));
    }

    @Override public int size() { return labels.length; }

    @Override public int label(int i) { return labels[i] & 0xff; }

    @Override public int numClasses() { return 10; }

    @Override
    public RgbImage image(int i) {
        int plane = rows * cols;
        byte[] rgb = new byte[3 * plane];
        for (int k = 0; k < plane; k++) {
            byte v = pixels[i * plane + k];
            rgb[3 * k] = v;
            rgb[3 * k + 1] = v;
            rgb[3 * k + 2] = v;
        }
        return new RgbImage(cols, rows, rgb);
    }
}
