package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandErrorsTest {
    @Command(name = "demo")
    static final class Demo implements Runnable {
        @Override public void run() {}
    }

    private static String[] call(java.util.function.UnaryOperator<String> shape, CommandErrors.Work work) {
        CommandLine cl = new CommandLine(new Demo());
        StringWriter sw = new StringWriter();
        cl.setErr(new PrintWriter(sw));
        int code = shape == null ? CommandErrors.run(cl.getCommandSpec(), work) : CommandErrors.run(cl.getCommandSpec(), shape, work);
        return new String[] {"" + code, sw.toString()};
    }

    @Test void successIsZeroAndSilent() {
        String[] r = call(null, err -> err.print("progress"));
        assertEquals("0", r[0]);
        assertEquals("progress", r[1]);
    }

    @Test void failureIsOneNamedLine() {
        String[] r = call(null, err -> { throw new IllegalArgumentException("bad\n  detail one\n  detail two"); });
        assertEquals("1", r[0]);
        assertEquals("demo: error: bad; detail one; detail two" + System.lineSeparator(), r[1]);
        r = call(CommandErrors.AS_IS, err -> { throw new IOException("bad\n  detail"); });
        assertEquals("demo: error: bad\n  detail" + System.lineSeparator(), r[1]);
        r = call(null, err -> { throw new NoSuchFileException("x.pth", null, "--input"); });
        assertEquals("demo: error: no such file: x.pth (--input)" + System.lineSeparator(), r[1]);
        r = call(null, err -> { throw new IllegalStateException(); });
        assertEquals("demo: error: java.lang.IllegalStateException" + System.lineSeparator(), r[1]);
    }

    @Test void oneLineFoldsAndCuts() {
        assertEquals("a; b; c", CommandErrors.oneLine("a\n  b\r\nc\n"));
        String cut = CommandErrors.oneLine("x".repeat(700));
        assertEquals(600 + " ...".length(), cut.length());
    }
}
