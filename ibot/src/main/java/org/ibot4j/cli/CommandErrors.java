package org.ibot4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How a subcommand reports a failure of its work: exit code 1 after one {@code <command>: error: <message>} on
 * stderr, the command named by its picocli spec. Shared by the evaluation, analysis and export commands.
 */
final class CommandErrors {
    private CommandErrors() {}

    /** The work of a command, given stderr for progress lines. */
    @FunctionalInterface
    interface Work {
        void run(PrintWriter err) throws IOException;
    }

    /** The message as the exception gives it, line breaks kept. */
    static final UnaryOperator<String> AS_IS = UnaryOperator.identity();

    /** The message folded onto one line by {@link #oneLine(String)}. */
    static final UnaryOperator<String> ONE_LINE = CommandErrors::oneLine;

    /** {@link #run(CommandSpec, UnaryOperator, Work)} with the message folded onto one line. */
    static int run(CommandSpec spec, Work work) {
        return run(spec, ONE_LINE, work);
    }

    /**
     * Runs {@code work} with the command's stderr: 0 when it returns; when it throws an IOException or a
     * RuntimeException, prints {@code <name>: error: } and the {@link #describe described} exception shaped by
     * {@code shape}, and returns 1.
     */
    static int run(CommandSpec spec, UnaryOperator<String> shape, Work work) {
        PrintWriter err = spec.commandLine().getErr();
        try {
            work.run(err);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println(spec.name() + ": error: " + shape.apply(describe(e)));
            err.flush();
            return 1;
        }
    }

    /** What went wrong, for a user: a missing file named as such, else the exception's message (its type if none). */
    static String describe(Exception e) {
        if (e instanceof NoSuchFileException n) return "no such file: " + n.getFile() + (n.getReason() != null ? " (" + n.getReason() + ")" : "");
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** An error message on one line: line breaks folded to "; ", cut after 600 characters. */
    static String oneLine(String message) {
        String s = message.strip().replaceAll("\\s*\\R\\s*", "; ");
        return s.length() > 600 ? s.substring(0, 600) + " ..." : s;
    }
}
