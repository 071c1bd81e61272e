package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link PthReader#open} (lazy) against {@link PthReader#load} (eager) on the torch.save fixtures: identical values, bit for bit. */
class LazyPthReaderTest {
    private static final String[][] CASES = {
            {"state_dict", "model.pth"}, {"protocol4", "model.pth"}, {"checkpoint", "checkpoint.pth"},
            {"dtypes", "dtypes.pth"}, {"views", "views.pth"}, {"prefix", "renamed.pth"}, {"deflated", "deflated.pth"},
            {"pickle_protocols", "p2.pth"}, {"pickle_protocols", "p5.pth"}};

    @Test
    void lazyRootMirrorsEagerRootWithIdenticalTensors() throws IOException {
        for (String[] c : CASES) {
            Path file = IoFixtures.dir(c[0]).resolve(c[1]);
            Object eager = PthReader.load(file);
            try (PthArchive archive = PthReader.open(file)) {
                int n = compare(c[0] + "/" + c[1], eager, archive.root());
                assertTrue(n > 0 || c[0].equals("pickle_protocols"), c[0] + ": no tensors compared"); // those hold plain values only
            }
        }
    }

    @Test
    void lazyTensorsMatchTheExpectedValuesOfEveryFixture() throws IOException {
        for (String[] c : new String[][] {{"dtypes", "dtypes.pth"}, {"views", "views.pth"}, {"checkpoint", "checkpoint.pth"}}) {
            try (PthArchive archive = PthReader.open(IoFixtures.dir(c[0]).resolve(c[1]))) {
                for (var e : IoFixtures.expected(c[0]).entrySet()) {
                    LazyTensor lt = assertInstanceOf(LazyTensor.class, IoFixtures.at(archive.root(), e.getKey()), e.getKey());
                    IoFixtures.assertTensor(c[0] + "/" + e.getKey(), e.getValue(), lt.read());
                }
            }
        }
    }

    @Test
    void viewsKeepTheirStorageOffsetAndStridesAndReadIntoAnyLayout() throws IOException {
        Path file = IoFixtures.dir("views").resolve("views.pth");
        Map<?, ?> eager = (Map<?, ?>) PthReader.load(file);
        try (PthArchive archive = PthReader.open(file)) {
            Map<?, ?> m = (Map<?, ?>) archive.root();
            LazyTensor base = (LazyTensor) m.get("base"), tail = (LazyTensor) m.get("tail"), t = (LazyTensor) m.get("transposed");
            assertEquals(base.storageKey(), tail.storageKey(), "views of one storage name the same storage");
            assertEquals(base.storageKey(), t.storageKey());
            Tensor eTail = (Tensor) eager.get("tail"), eT = (Tensor) eager.get("transposed");
            assertEquals(eTail.offset(), tail.storageOffset());
            assertArrayEquals(eT.strides(), t.strides());
            // read into a non-contiguous destination: a transposed view of a fresh buffer
            for (String key : List.of("transposed", "every_other", "col", "base")) {
                LazyTensor lt = (LazyTensor) m.get(key);
                if (lt.rank() != 2) continue;
                Tensor holder = Tensor.zeros(lt.dim(1), lt.dim(0));
                Tensor dst = holder.transpose(0, 1);
                lt.readInto(dst);
                assertArrayEquals(((Tensor) eager.get(key)).toArray(), dst.toArray(), key + " into a transposed destination");
            }
        }
    }

    @Test
    void dtypesAreReportedAndConvertedLikeTheEagerReader() throws IOException {
        Path file = IoFixtures.dir("dtypes").resolve("dtypes.pth");
        try (PthArchive archive = PthReader.open(file)) {
            Map<?, ?> m = (Map<?, ?>) archive.root();
            assertEquals("float16", ((LazyTensor) m.get("f16")).dtype());
            assertEquals("bfloat16", ((LazyTensor) m.get("bf16")).dtype());
            assertEquals("float64", ((LazyTensor) m.get("f64")).dtype());
            LazyTensor scalar = (LazyTensor) m.get("scalar");
            assertEquals(0, scalar.rank());
            assertEquals(2.5f, scalar.read().item());
            assertEquals(0, ((LazyTensor) m.get("empty")).read().size());
            assertEquals(PthReader.lazyTensors(m).keySet(), PthReader.tensors((Map<?, ?>) PthReader.load(file)).keySet());
        }
    }

    @Test
    void wrongShapeAndClosedArchiveFailClearly() throws IOException {
        LazyTensor t;
        try (PthArchive archive = PthReader.open(IoFixtures.dir("state_dict").resolve("model.pth"))) {
            t = PthReader.lazyTensors((Map<?, ?>) archive.root()).values().iterator().next();
            int[] wrong = t.dims().clone();
            wrong[0] += 1;
            var e = assertThrows(IllegalArgumentException.class, () -> t.readInto(Tensor.zeros(wrong)));
            assertTrue(e.getMessage().contains("shape"), e.getMessage());
        }
        var e = assertThrows(IllegalStateException.class, t::read);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void refusalsAndMissingFilesAreTheSameAsEager() {
        Path evil = IoFixtures.dir("evil").resolve("evil.pth");
        var e = assertThrows(IOException.class, () -> PthReader.open(evil).close());
        assertTrue(e.getMessage().contains("refusing"), e.getMessage());
        assertThrows(IOException.class, () -> PthReader.open(evil.resolveSibling("nope.pth")));
    }

    /** Walks both roots together; every eager Tensor must be a LazyTensor reading to the same values. Returns how many. */
    private static int compare(String where, Object eager, Object lazy) {
        if (eager instanceof Tensor t) {
            LazyTensor lt = assertInstanceOf(LazyTensor.class, lazy, where);
            assertArrayEquals(t.dims(), lt.dims(), where + ": shape");
            Tensor r = lt.read();
            assertNotSame(t, r);
            assertArrayEquals(t.toArray(), r.toArray(), where + ": values");
            return 1;
        }
        if (eager instanceof Map<?, ?> em) {
            Map<?, ?> lm = assertInstanceOf(Map.class, lazy, where);
            assertEquals(em.keySet(), lm.keySet(), where + ": keys");
            int n = 0;
            for (var e : em.entrySet()) n += compare(where + "/" + e.getKey(), e.getValue(), lm.get(e.getKey()));
            return n;
        }
        if (eager instanceof List<?> el) {
            List<?> ll = assertInstanceOf(List.class, lazy, where);
            assertEquals(el.size(), ll.size(), where + ": length");
            int n = 0;
            Iterator<?> a = el.iterator(), b = ll.iterator();
            for (int i = 0; a.hasNext(); i++) n += compare(where + "/" + i, a.next(), b.next());
            return n;
        }
        if (eager instanceof PickledObject ep) {
            PickledObject lp = assertInstanceOf(PickledObject.class, lazy, where);
            return compare(where + ".args", ep.args(), lp.args()) + compare(where + ".state", ep.state(), lp.state());
        }
        if (eager instanceof byte[] eb) { assertArrayEquals(eb, (byte[]) lazy, where); return 0; }
        assertEquals(eager, lazy, where);
        return 0;
    }
}
