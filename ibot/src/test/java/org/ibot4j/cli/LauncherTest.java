package org.ibot4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The jar's entry point from an old default JVM: started on Java 17 without the Vector API module, the
 * launcher must find JDK 25, re-launch with {@code --add-modules=jdk.incubator.vector} and run the CLI.
 */
class LauncherTest {
    @Test
    void relaunchesFromJava17OntoJdk25WithTheVectorModule() throws Exception {
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        assumeTrue(Files.isExecutable(java17), "no Java 17 on this machine");
        Process p = new ProcessBuilder(java17.toString(), "--enable-preview", "-cp", System.getProperty("java.class.path"),
                "org.ibot4j.launcher.Launcher", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Java 25"), out);
        assertTrue(out.contains("kernels: cpu-vector("), out);
    }
}
