package org.ibot4j.cli;

import java.io.PrintWriter;
import org.ibot4j.train.TrainConfig;

/** Runs a pre-training job from a resolved {@link TrainConfig}. */
final class PretrainRun {
    private PretrainRun() {}

    static int run(TrainConfig cfg, PrintWriter out, PrintWriter err) {
        err.println("pretrain: the training loop is not wired in this build yet");
        return 1;
    }
}
