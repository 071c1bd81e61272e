package org.ibot4j.launcher;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point of {@code ibot.jar}. A jar manifest cannot add the incubating {@code jdk.incubator.vector}
 * module, and the default {@code java} on a machine may be older than 25. So this class (compiled for Java 17)
 * checks both; when the Vector API is live on a JDK 25+ it hands over to the CLI in-process, otherwise it
 * re-launches the same jar on a JDK 25+ with the module flag, inheriting stdin/stdout/stderr and the JVM options
 * the user gave (e.g. -Xmx), and exits with the child's status.
 */
public final class Launcher {
    static final String CLI_MAIN = "org.ibot4j.cli.Main";
    static final String RELAUNCH_MARK = "ibot4j.relaunched";
    static final int REQUIRED_JAVA = 25;

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        boolean vectorLive = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        int feature = Runtime.version().feature();
        if (vectorLive && feature >= REQUIRED_JAVA) {
            Class.forName(CLI_MAIN).getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        if (System.getProperty(RELAUNCH_MARK) != null) {
            System.err.println("ibot4j: re-launched JVM still lacks jdk.incubator.vector on Java " + feature + "; giving up.");
            System.exit(70);
        }
        Path java = findJava(feature);
        if (java == null) {
            System.err.println("ibot4j: needs Java " + REQUIRED_JAVA + "+ (this is Java " + feature + "). Install Temurin 25, or set"
                    + " IBOT4J_JAVA_HOME / JAVA_HOME to a JDK 25 (expected at /usr/lib/jvm/temurin-25-jdk-amd64).");
            System.exit(70);
        }
        // With `java -jar ibot.jar` the class path is the jar itself; under a test or IDE it is the full class path.
        String classPath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        for (String opt : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (opt.startsWith("--add-modules") || opt.startsWith("-agentlib:jdwp")) continue;
            cmd.add(opt);
        }
        if (!cmd.contains("--enable-preview")) cmd.add("--enable-preview");
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-D" + RELAUNCH_MARK + "=true");
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(CLI_MAIN);
        for (String a : args) cmd.add(a);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        System.exit(p.waitFor());
    }

    /** The current JVM when it is new enough, else JAVA_HOME-style candidates, else known install folders. */
    static Path findJava(int feature) {
        List<String> homes = new ArrayList<>();
        if (feature >= REQUIRED_JAVA) homes.add(System.getProperty("java.home"));
        String[] envs = {"IBOT4J_JAVA_HOME", "JAVA_HOME"};
        for (String e : envs) if (System.getenv(e) != null) homes.add(System.getenv(e));
        homes.add("/usr/lib/jvm/temurin-25-jdk-amd64");
        File jvmDir = new File("/usr/lib/jvm");
        String[] names = jvmDir.list();
        if (names != null) {
            java.util.Arrays.sort(names);
            for (String n : names) if (n.matches(".*(2[5-9]|[3-9][0-9]).*")) homes.add(new File(jvmDir, n).getPath());
        }
        for (String h : homes) {
            Path bin = Path.of(h, "bin", "java");
            if (Files.isExecutable(bin) && (h.equals(System.getProperty("java.home")) || releaseAtLeast(Path.of(h)))) return bin;
        }
        return null;
    }

    private static boolean releaseAtLeast(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    int major = Integer.parseInt(v.split("[.+-]")[0]);
                    return major >= REQUIRED_JAVA;
                }
            }
        } catch (Exception ignored) {
            // not a JDK we can read: skip it
        }
        return false;
    }
}
