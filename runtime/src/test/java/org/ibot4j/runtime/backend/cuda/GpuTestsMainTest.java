package org.ibot4j.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The GPU test runner finds classes by simple-name glob in a class folder and counts passes, skips and failures. */
class GpuTestsMainTest {
    /** Run only through GpuTestsMain (surefire skips nested classes): one pass, one assumption skip, one disabled. */
    static class Sample {
        @Test void passes() { assertEquals(4, 2 + 2); }

        @Test void skipsWithoutAGpu() { assumeTrue(false, "no GPU: sample reason"); }

        @Disabled("not today") @Test void disabled() {}
    }

    /** Run only through GpuTestsMain: the whole class skips in @BeforeAll, as the GPU classes do without a GPU. */
    static class SkippedClassSample {
        @BeforeAll static void needGpu() { assumeTrue(false, "no GPU: class reason"); }

        @Test void neverRuns() {}

        @Test void neverRunsEither() {}
    }

    /** Run only through GpuTestsMain: one failure. */
    static class FailingSample {
        @Test void fails() { assertEquals(1, 2, "one is not two"); }
    }

    private static Set<Path> testClasses() throws Exception {
        return Set.of(Path.of(GpuTestsMainTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }

    @Test void countsPassedSkippedAndDisabledTests() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        GpuTestsMain.Summary s = GpuTestsMain.run(testClasses(), List.of("GpuTestsMainTest$Sample"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(new GpuTestsMain.Summary(3, 0, 2), s, out);
        assertTrue(out.contains("gpu_test GpuTestsMainTest$Sample passes SUCCESSFUL"), out);
        assertTrue(out.contains("gpu_test GpuTestsMainTest$Sample skipsWithoutAGpu SKIPPED \"Assumption failed: no GPU: sample reason\""), out);
        assertTrue(out.contains("gpu_test GpuTestsMainTest$Sample disabled SKIPPED \"not today\""), out);
        assertTrue(out.contains("gpu_tests run=3 failed=0 skipped=2"), out);
        assertTrue(s.ok());
    }

    @Test void aClassSkippedBeforeItsTestsCountsOnceWithItsReason() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        GpuTestsMain.Summary s = GpuTestsMain.run(testClasses(), List.of("GpuTestsMainTest$SkippedClassSample"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(new GpuTestsMain.Summary(1, 0, 1), s, out);
        assertTrue(out.contains("gpu_test GpuTestsMainTest$SkippedClassSample (class) SKIPPED \"Assumption failed: no GPU: class reason\""), out);
        assertFalse(s.ok(), "everything skipped");
    }

    @Test void aFailureOrAnAllSkippedRunIsNotOk() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        GpuTestsMain.Summary s = GpuTestsMain.run(testClasses(), List.of("GpuTestsMainTest$FailingSample"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(new GpuTestsMain.Summary(1, 1, 0), s, out);
        assertTrue(out.contains("gpu_test GpuTestsMainTest$FailingSample fails FAILED \"AssertionFailedError: one is not two"), out);
        assertFalse(s.ok());
        assertFalse(new GpuTestsMain.Summary(2, 0, 2).ok());
        assertFalse(new GpuTestsMain.Summary(0, 0, 0).ok());
    }

    @Test void globsMatchSimpleNamesInAnyPackage() {
        String re = GpuTestsMain.regex("CudaGpu*");
        assertTrue("org.ibot4j.runtime.backend.cuda.CudaGpuOpsTest".matches(re));
        assertTrue("org.ibot4j.train.CudaGpuTrainStepTest".matches(re));
        assertFalse("org.ibot4j.runtime.backend.cuda.CudaBackendGpuTest".matches(re));
        assertFalse("org.ibot4j.MyCudaGpuTest".matches(re));
        assertThrows(IllegalArgumentException.class, () -> GpuTestsMain.regex("a.b"));
    }
}
