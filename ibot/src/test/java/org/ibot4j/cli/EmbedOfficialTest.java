package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.ibot4j.runtime.io.Npy;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ibot embed} end to end against the official iBOT code: the micro ViT's {@code torch.save}d weights
 * (fixtures/official/vit_micro/model.pth, with a student mask token the command ignores) on the official input
 * give the official CLS features, last-block attention and, on 16-px crops (interpolated position table), all
 * tokens, to 1e-5.
 */
class EmbedOfficialTest {
    private static final String DIR = "/fixtures/official/vit_micro/";
    private static final String[] ARCH = {"embed", "--arch", "vit_tiny", "--patch_size", "4", "--embed_dim", "64",
            "--depth", "2", "--num_heads", "4", "--checkpoint_key", "teacher"};

    private static Tensor fixture(String key) throws IOException {
        JsonNode t;
        try (InputStream in = EmbedOfficialTest.class.getResourceAsStream(DIR + "manifest.json")) {
            t = new ObjectMapper().readTree(in).get("tensors").get(key);
        }
        int[] shape = new int[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asInt();
        byte[] bytes;
        try (InputStream in = EmbedOfficialTest.class.getResourceAsStream(DIR + t.get("file").asText())) {
            bytes = in.readAllBytes();
        }
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return Tensor.of(v, shape);
    }

    private static Tensor embed(Path dir, String inputKey, String... extra) throws Exception {
        Path in = dir.resolve(inputKey + ".npy"), out = dir.resolve(inputKey + "-" + extra.length + ".npy");
        Npy.save(in, fixture(inputKey));
        Path weights = Path.of(EmbedOfficialTest.class.getResource(DIR + "model.pth").toURI());
        String[] args = new String[ARCH.length + 6 + extra.length];
        System.arraycopy(ARCH, 0, args, 0, ARCH.length);
        String[] io = {"--pretrained_weights", weights.toString(), "--input", in.toString(), "--output", out.toString()};
        System.arraycopy(io, 0, args, ARCH.length, io.length);
        System.arraycopy(extra, 0, args, ARCH.length + io.length, extra.length);
        EmbedCommandTest.Run r = EmbedCommandTest.run(args);
        assertEquals(0, r.code(), r.err());
        return Npy.load(out);
    }

    @Test void matchesTheOfficialModel(@TempDir Path dir) throws Exception {
        EmbedCommandTest.assertClose(fixture("cls"), embed(dir, "input"), "CLS");
        EmbedCommandTest.assertClose(fixture("attn_last"), embed(dir, "input", "--attention"), "last attention");
        EmbedCommandTest.assertClose(fixture("local_all_tokens"), embed(dir, "local_input", "--all_tokens", "--batch_size", "1"), "16-px all tokens");
    }
}
