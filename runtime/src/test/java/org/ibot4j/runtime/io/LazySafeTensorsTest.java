package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SafeTensors#open} (lazy) against {@link SafeTensors#load} (eager): same tensors, order, metadata and errors. */
class LazySafeTensorsTest {
    @TempDir Path tmp;

    @Test
    void lazyTensorsReadExactlyWhatTheEagerReaderReads() throws IOException {
        Path file = IoFixtures.dir("safetensors").resolve("model.safetensors");
        SafeTensors.Contents eager = SafeTensors.load(file);
        try (SafeTensors.Archive a = SafeTensors.open(file)) {
            assertEquals(eager.metadata(), a.metadata());
            assertEquals(eager.tensors().keySet().stream().toList(), a.tensors().keySet().stream().toList());
            Map<String, Tensor> read = new LinkedHashMap<>();
            for (var e : a.tensors().entrySet()) {
                Tensor t = e.getValue().read();
                assertArrayEquals(eager.tensors().get(e.getKey()).toArray(), t.toArray(), e.getKey());
                assertArrayEquals(eager.tensors().get(e.getKey()).dims(), e.getValue().dims(), e.getKey());
                assertEquals(e.getKey(), e.getValue().storageKey());
                read.put(e.getKey(), t);
            }
            IoFixtures.assertAllTensors("safetensors", read);
        }
    }

    @Test
    void closedArchiveAndBadFilesFailClearly() throws IOException {
        Path file = IoFixtures.dir("safetensors").resolve("model.safetensors");
        LazyTensor t;
        try (SafeTensors.Archive a = SafeTensors.open(file)) {
            t = a.tensors().values().iterator().next();
        }
        IllegalStateException closed = assertThrows(IllegalStateException.class, t::read);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        byte[] good = Files.readAllBytes(file);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(good, good.length - 3));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.open(cut).close());
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("outside"), e.getMessage());
    }
}
