package org.ibot4j.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same plain values pickled by Python with protocols 0 to 5 read back identically. */
class PickleProtocolsTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void plainValuesOfEveryProtocol(int protocol) throws IOException {
        Map<?, ?> root = (Map<?, ?>) PthReader.load(IoFixtures.dir("pickle_protocols").resolve("p" + protocol + ".pth"));
        var meta = IoFixtures.manifest("pickle_protocols").get("meta");
        Map<?, ?> expected = JSON.convertValue(meta.get("json"), Map.class);
        Map<String, Object> got = new LinkedHashMap<>();
        root.forEach((k, v) -> {
            if (!Set.of("bytes", "set", "frozen", "huge").contains(k)) got.put(String.valueOf(k), v);
        });
        assertEquals(expected, got, "protocol " + protocol);
        assertEquals(12L, root.keySet().stream().filter(k -> k instanceof Long).findFirst().orElseThrow(), "int key stays a Long");
        assertEquals(new BigInteger(meta.get("huge").asText()), root.get("huge"));
        assertArrayEquals(new byte[] {0, (byte) 0xff, 'a', 'b'}, (byte[]) root.get("bytes"));
        assertEquals(Set.of(3L), root.get("set"));
        assertEquals(Set.of(4L), root.get("frozen"));
        assertSame(root.get("a"), root.get("b"), "a shared list stays shared through the memo");
    }
}
