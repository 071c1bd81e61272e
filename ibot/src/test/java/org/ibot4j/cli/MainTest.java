package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI in-process: help, version, selfcheck, thread setting and bench output format. */
class MainTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream oldOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new PrintWriter(System.out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void versionNamesTheLiveKernels() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("ibot4j "), r.out());
        assertTrue(r.out().contains("kernels: cpu-vector("), r.out());
    }

    @Test
    void helpListsCommands() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("selfcheck") && r.out().contains("bench"), r.out());
    }

    @Test
    void selfcheckPassesOnThisMachine() {
        Run r = run("--threads", "2", "selfcheck");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("selfcheck: OK"), r.out());
        assertTrue(r.out().contains("threads=2"), r.out());
    }

    @Test
    void badThreadCountIsAClearError() {
        Run r = run("--threads", "0", "selfcheck");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--threads must be >= 1"), r.err());
    }

    @Test
    void badFlagOfAnyCommandIsOneLine() {
        for (String cmd : new String[] {"finetune", "eval_knn", "eval_linear", "visualize_attention"}) {
            StringWriter err = new StringWriter();
            CommandLine cl = PretrainCommand.withOneLineErrors(new CommandLine(new Main()));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(cmd, "--no_such_flag");
            assertNotEquals(0, code);
            String e = err.toString().strip();
            assertEquals(1, e.lines().count(), e);
            assertTrue(e.startsWith(cmd + ": ") && (e.contains("--no_such_flag") || e.contains("Missing required option")) && e.contains("'ibot " + cmd + " --help'"), e);
        }
    }

    @Test
    void unknownCommandIsAnError() {
        Run r = run("no-such-command");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("no-such-command"), r.err());
    }

    @Test
    void benchGemmPrintsOneLinePerShape() {
        Run r = run("--threads", "1", "bench", "gemm", "--shapes", "64x32x48,2x16x8x16:NT", "--repeats", "1", "--min-ms", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        long lines = r.out().lines().filter(l -> l.matches("\\d+x\\d+x\\d+(x\\d+)?(:[NT]{2})? ours=[0-9.]+ GFLOP/s openblas=(n/a|[0-9.]+ GFLOP/s) ratio=(n/a|[0-9.]+).*")).count();
        assertEquals(2, lines, r.out());
    }
}
