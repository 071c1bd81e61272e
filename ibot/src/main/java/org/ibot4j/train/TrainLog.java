package org.ibot4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code output_dir/log.txt}: one JSON object per epoch with the reference keys in the reference order
 * (spec 9.1: {@code train_loss, train_cls, train_patch, train_lr, train_wd, train_acc, train_nmi, train_ari,
 * train_fscore, train_adjacc, epoch}) followed by {@code images_per_s}.
 */
public final class TrainLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainLog() {}

    /** The averages of one epoch. */
    public record EpochStats(double loss, double cls, double patch, double lr, double wd, double acc,
                             double nmi, double ari, double fscore, int epoch, double imagesPerSecond) {
        public Map<String, Object> toMap() {
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("train_loss", loss);
            m.put("train_cls", cls);
            m.put("train_patch", patch);
            m.put("train_lr", lr);
            m.put("train_wd", wd);
            m.put("train_acc", acc);
            m.put("train_nmi", nmi);
            m.put("train_ari", ari);
            m.put("train_fscore", fscore);
            m.put("train_adjacc", -1.0);
            m.put("epoch", epoch);
            m.put("images_per_s", imagesPerSecond);
            return m;
        }
    }

    /** The JSON line of {@code s} (no newline). */
    public static String line(EpochStats s) {
        try {
            return JSON.writeValueAsString(s.toMap());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends {@code s} as one line to {@code dir/log.txt}. */
    public static void append(Path dir, EpochStats s) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("log.txt"), line(s) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
