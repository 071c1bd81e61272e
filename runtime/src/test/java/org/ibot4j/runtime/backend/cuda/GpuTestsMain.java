package org.ibot4j.runtime.backend.cuda;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the GPU test classes without Maven, on a machine that has only a Java runtime and the packed test jars
 * ({@code scripts/gpu-check.sh} part {@code tests}): {@code java -cp ibot.jar:tests/*.jar
 * org.ibot4j.runtime.backend.cuda.GpuTestsMain [--fail-on-skip] [SimpleNameGlob...]}. Without globs it runs the classes named
 * {@code CudaGpu*}, {@code CudaBackendGpu*}, {@code CudaAvailability*} and {@code DeviceSelection*}. Test classes are
 * looked for in the class-path entries that are directories or jars named {@code *-tests.jar} (all entries when
 * there are none). Prints one {@code gpu_test} line per test and the summary
 * {@code gpu_tests run=N failed=F skipped=S}; exits 1 when a test fails, nothing ran, or every test was skipped
 * (a GPU machine where the GPU tests skip has not checked anything), and with {@code --fail-on-skip} when any test
 * skipped (on a GPU machine every GPU test should run).
 */
public final class GpuTestsMain {
    static final List<String> DEFAULT_PATTERNS = List.of("CudaGpu*", "CudaBackendGpu*", "CudaAvailability*", "DeviceSelection*");

    private GpuTestsMain() {}

    public static void main(String[] args) {
        List<String> patterns = new ArrayList<>();
        boolean failOnSkip = false;
        for (String a : args) {
            if (a.equals("--fail-on-skip")) failOnSkip = true;
            else if (a.startsWith("-")) {
                System.err.println("GpuTestsMain: unknown option '" + a + "' (options: --fail-on-skip; then class-name globs)");
                System.exit(64);
            } else patterns.add(a);
        }
        Summary s = run(testRoots(), patterns.isEmpty() ? DEFAULT_PATTERNS : patterns, System.out);
        System.exit(s.ok() && (!failOnSkip || s.skipped() == 0) ? 0 : 1);
    }

    /** Counts of one run: tests finished, failed, and skipped (disabled or aborted by an assumption). */
    public record Summary(int run, int failed, int skipped) {
        /** Passed: something ran, nothing failed, and not everything was skipped. */
        public boolean ok() { return run > 0 && failed == 0 && skipped < run; }
    }

    /**
     * Runs the test classes under {@code roots} (class folders or jars) whose simple names match {@code globs}
     * ({@code *} = any characters) and reports to {@code out}.
     */
    public static Summary run(Set<Path> roots, List<String> globs, PrintStream out) {
        if (roots.isEmpty()) {
            out.println("gpu_tests run=0 failed=0 skipped=0 reason=\"no test classes on the class path\"");
            return new Summary(0, 0, 0);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(roots))
                .filters(ClassNameFilter.includeClassNamePatterns(globs.stream().map(GpuTestsMain::regex).toArray(String[]::new)))
                .build();
        Listener listener = new Listener(out);
        long t0 = System.nanoTime();
        LauncherFactory.create().execute(request, listener);
        Summary s = new Summary(listener.run.get(), listener.failed.get(), listener.skipped.get());
        out.printf("gpu_tests run=%d failed=%d skipped=%d seconds=%.1f patterns=%s%n", s.run(), s.failed(), s.skipped(),
                (System.nanoTime() - t0) / 1e9, String.join(",", globs));
        return s;
    }

    /** A simple-name glob as a regular expression over fully qualified class names (nested classes included). */
    static String regex(String glob) {
        if (glob.isBlank() || !glob.matches("[A-Za-z0-9_$*]+"))
            throw new IllegalArgumentException("class-name pattern must be letters, digits, _, $ and *, got '" + glob + "'");
        return "(.*\\.)?" + glob.replace("$", "\\$").replace("*", ".*");
    }

    /** The class-path entries that hold test classes: directories and {@code *-tests.jar}; all entries if none. */
    static Set<Path> testRoots() {
        List<Path> all = new ArrayList<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator))
            if (!e.isBlank() && Files.exists(Path.of(e))) all.add(Path.of(e).toAbsolutePath());
        Set<Path> tests = new LinkedHashSet<>();
        for (Path p : all)
            if (Files.isDirectory(p) || p.getFileName().toString().endsWith("-tests.jar")) tests.add(p);
        return tests.isEmpty() ? new LinkedHashSet<>(all) : tests;
    }

    /** Prints a line per finished or skipped test and counts them. */
    private static final class Listener implements TestExecutionListener {
        private final PrintStream out;
        final AtomicInteger run = new AtomicInteger(), failed = new AtomicInteger(), skipped = new AtomicInteger();

        Listener(PrintStream out) { this.out = out; }

        @Override public void executionSkipped(TestIdentifier id, String reason) {
            // A skipped container skips its tests without reporting them: count the container once.
            run.incrementAndGet();
            skipped.incrementAndGet();
            out.println("gpu_test " + name(id) + " SKIPPED " + quote(reason));
        }

        @Override public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            // A container (class) counts only when it did not succeed: a failing or aborted @BeforeAll stops its
            // tests before they report, so the class stands for them once.
            if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
            if (!id.isTest() && id.getSource().isEmpty()) return;  // engine root: its failures are a class's failures
            run.incrementAndGet();
            switch (result.getStatus()) {
                case SUCCESSFUL -> out.println("gpu_test " + name(id) + " SUCCESSFUL");
                case ABORTED -> {  // an assumption failed: the message says why (e.g. "no GPU: ...")
                    skipped.incrementAndGet();
                    out.println("gpu_test " + name(id) + " SKIPPED "
                            + quote(result.getThrowable().map(Throwable::getMessage).orElse("")));
                }
                case FAILED -> {
                    failed.incrementAndGet();
                    out.println("gpu_test " + name(id) + " FAILED "
                            + quote(result.getThrowable().map(GpuTestsMain::describe).orElse("")));
                    result.getThrowable().ifPresent(t -> printTrace(t, out));
                }
            }
        }
    }

    /** "Class method[display name]" from the test's source, or its display name. */
    private static String name(TestIdentifier id) {
        Optional<TestSource> src = id.getSource();
        if (src.isPresent() && src.get() instanceof MethodSource m) {
            String cls = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
            String shown = id.getDisplayName();
            String method = m.getMethodName();
            return cls + " " + method + (shown.startsWith(method + "(") ? "" : "[" + shown + "]");
        }
        if (src.isPresent() && src.get() instanceof ClassSource c)
            return c.getClassName().substring(c.getClassName().lastIndexOf('.') + 1) + " (class)";
        return id.getDisplayName();
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage();
        String first = msg == null ? "" : msg.lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }

    private static String quote(String s) { return "\"" + (s == null ? "" : s.replace("\"", "'")) + "\""; }

    /** The failure and its first frames outside JUnit and the JDK (enough to find the line without flooding the log). */
    private static void printTrace(Throwable t, PrintStream out) {
        out.println("    " + t);
        int shown = 0;
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (c.startsWith("org.junit.") || c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) continue;
            out.println("      at " + e);
            if (++shown == 10) break;
        }
        if (t.getCause() != null && t.getCause() != t) {
            out.print("    caused by:");
            printTrace(t.getCause(), out);
        }
    }
}
