package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.ibot4j.runtime.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ibot pretrain} end to end in-process on a tiny Fashion-MNIST-format folder. */
class PretrainCommandTest {
    private static void idx(Path dir, String prefix, int n, Rng rng) throws IOException {
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))))) {
            o.writeInt(0x803);
            o.writeInt(n);
            o.writeInt(28);
            o.writeInt(28);
            for (int i = 0; i < n; i++)
                for (int p = 0; p < 28 * 28; p++) o.writeByte(((p / 28 < 14) == (i % 2 == 0) ? 200 : 20) + rng.nextInt(30));
        }
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))))) {
            o.writeInt(0x801);
            o.writeInt(n);
            for (int i = 0; i < n; i++) o.writeByte(i % 2);
        }
    }

    @Test
    void trainsCheckpointsAndWritesKnnJson(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("fm")), out = dir.resolve("out");
        Rng rng = new Rng(3);
        idx(data, "train", 24, rng);
        idx(data, "t10k", 12, rng);
        StringWriter so = new StringWriter(), se = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(so, true));
        cl.setErr(new PrintWriter(se, true));
        int code = cl.execute("pretrain", "--config", confPath("fashion_mnist.yaml"), "--data_path", data.toString(),
                "--output_dir", out.toString(), "--embed_dim", "16", "--depth", "1", "--num_heads", "2", "--out_dim", "32",
                "--patch_out_dim", "32", "--head_hidden_dim", "16", "--head_bottleneck_dim", "8", "--batch_size_per_gpu", "8",
                "--epochs", "1", "--warmup_epochs", "0", "--warmup_teacher_temp_epochs", "0", "--train_subset", "0",
                "--knn_subset", "12", "--num_workers", "0");
        assertEquals(0, code, se.toString());
        assertTrue(Files.exists(out.resolve("checkpoint.pth")));
        assertEquals(1, Files.readAllLines(out.resolve("log.txt")).size());
        JsonNode knn = new ObjectMapper().readTree(out.resolve("knn.json").toFile());
        assertEquals(20, knn.get("k").asInt());
        double top1 = knn.get("top1").asDouble(), base = knn.get("random_init_top1").asDouble();
        assertTrue(top1 >= 0 && top1 <= 1 && base >= 0 && base <= 1, knn.toString());
        assertTrue(so.toString().contains("k-NN (teacher CLS, k=20"), so.toString());
        assertTrue(se.toString().contains("Epoch 1/1"), se.toString());
    }

    @Test
    void missingDataIsOneClearLine(@TempDir Path dir) {
        StringWriter se = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(se, true));
        assertEquals(2, cl.execute("pretrain", "--data_path", dir.resolve("nope").toString(), "--output_dir", dir.toString()));
        assertTrue(se.toString().strip().startsWith("pretrain: --data_path"), se.toString());
    }

    private static String confPath(String name) {
        Path p = Path.of("../conf", name);
        return (Files.exists(p) ? p : Path.of("conf", name)).toString();
    }
}
