package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files written by numpy.save, our own files, and refused inputs. */
class NpyTest {
    @TempDir Path tmp;

    @Test
    void readsNumpyFiles() throws IOException {
        Map<String, IoFixtures.Expected> exp = IoFixtures.expected("npy");
        for (String k : exp.keySet())
            IoFixtures.assertTensor(k, exp.get(k), Npy.load(IoFixtures.dir("npy").resolve(k + ".npy")));
    }

    @Test
    void fortranOrderIsRefused() {
        Path p = IoFixtures.dir("npy").resolve("fortran.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.load(p));
        assertTrue(e.getMessage().contains("fortran_order") && e.getMessage().contains("fortran.npy"), e.getMessage());
    }

    @Test
    void saveThenLoadIsExactWith64ByteHeader() throws IOException {
        Rng rng = new Rng(3);
        for (Tensor t : new Tensor[] {Tensor.randn(rng, 2, 3, 4), Tensor.randn(rng, 7), Tensor.scalar(1.5f),
                Tensor.randn(rng, 5, 3).transpose(0, 1)}) {
            Path p = tmp.resolve("t.npy");
            Npy.save(p, t);
            byte[] raw = Files.readAllBytes(p);
            assertEquals(0, (raw.length - 4L * t.size()) % 64, "header padded to 64 bytes");
            Tensor back = Npy.load(p);
            assertArrayEquals(t.dims(), back.dims());
            assertArrayEquals(t.toArray(), back.toArray());
        }
    }

    @Test
    void truncatedAndForeignFilesFailClearly() throws IOException {
        byte[] good = Files.readAllBytes(IoFixtures.dir("npy").resolve("f4.npy"));
        Path cut = tmp.resolve("cut.npy");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length - 4));
        IOException e = assertThrows(IOException.class, () -> Npy.load(cut));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("cut.npy"), e.getMessage());
        Path junk = tmp.resolve("junk.npy");
        Files.writeString(junk, "hello world, not numpy");
        e = assertThrows(IOException.class, () -> Npy.load(junk));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }
}
