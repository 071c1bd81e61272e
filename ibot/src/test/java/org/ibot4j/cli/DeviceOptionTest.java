package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.ibot4j.nativebind.cuda.Cuda;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.tensor.Device;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The global --device option: cpu logs its line, an unknown device or unavailable cuda is a usage error. */
class DeviceOptionTest {
    private record Run(int code, String err, String stderr) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new Main());
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(err, true));
            return new Run(cl.execute(args), err.toString(), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test void cpuIsLoggedAndKept() {
        Run r = run("--device", "cpu", "--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.stderr().contains("device: cpu (requested)"), r.stderr());
        assertEquals(Device.CPU, Backends.current().device());
    }

    @Test void unknownDeviceIsAUsageError() {
        Run r = run("--device", "tpu", "--version");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--device must be cuda, cpu or auto, got 'tpu'"), r.err());
    }

    @Test void cudaWithoutAGpuSaysWhy() {
        assumeFalse(Cuda.available(), "a GPU is present: --device cuda would switch this test JVM to CUDA (GpuCheck covers it)");
        Run r = run("--device", "cuda", "--version");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("CUDA unavailable: " + Cuda.unavailableReason()), r.err());
    }
}
