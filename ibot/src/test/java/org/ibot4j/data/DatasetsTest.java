package org.ibot4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    private static void png(Path p, int w, int h, int rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        Files.createDirectories(p.getParent());
        ImageIO.write(img, "png", p.toFile());
    }

    @Test void imageFolderLabelsSortedClassesAndSkipsCorruptFilesWithOneWarning(@TempDir Path root) throws IOException {
        png(root.resolve("zebra/a.png"), 4, 3, 0x102030);
        png(root.resolve("ant/b.png"), 5, 2, 0xff0000);
        png(root.resolve("ant/a.png"), 2, 2, 0x00ff00);
        Files.write(root.resolve("ant/c.jpg"), new byte[]{1, 2, 3, 4});
        ImageFolderDataset ds = new ImageFolderDataset(root);
        assertEquals(List.of("ant", "zebra"), ds.classes());
        assertEquals(4, ds.size());
        assertEquals("a.png", ds.file(0).getFileName().toString());
        assertEquals(0, ds.label(0));
        assertEquals(1, ds.label(3));
        RgbImage a = ds.image(0);
        assertEquals(2, a.width());
        assertEquals(255, a.get(1, 1, 1));
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            assertNull(ds.image(2));
            assertNull(ds.image(2));
        } finally {
            System.setErr(old);
        }
        String log = err.toString();
        assertEquals(1, log.lines().count(), "one warning per corrupt file: " + log);
        assertTrue(log.contains("c.jpg"), log);
    }

    @Test void imageFolderWithoutClassesIsAClearError(@TempDir Path root) {
        IOException e = assertThrows(IOException.class, () -> new ImageFolderDataset(root));
        assertTrue(e.getMessage().contains("no class sub-folders"), e.getMessage());
    }

    @Test void fashionMnistMissingFilesNameTheInstallCommand(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, true));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test void fashionMnistTestSplitReads() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")), "dataset-fashion-mnist not installed");
        FashionMnist ds = FashionMnist.load(false);
        assertEquals(10000, ds.size());
        int[] perClass = new int[10];
        for (int i = 0; i < ds.size(); i++) perClass[ds.label(i)]++;
        for (int c : perClass) assertEquals(1000, c, "Fashion-MNIST test split is balanced");
        RgbImage img = ds.image(0);
        assertNotNull(img);
        assertEquals(28, img.width());
        assertEquals(28, img.height());
        long sum = 0;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) {
                assertEquals(img.get(x, y, 0), img.get(x, y, 1));
                assertEquals(img.get(x, y, 0), img.get(x, y, 2));
                sum += img.get(x, y, 0);
            }
        assertTrue(sum > 0, "first image is not blank");
        assertEquals(9, ds.label(0), "first test label of Fashion-MNIST is 9 (ankle boot)");
    }
}
