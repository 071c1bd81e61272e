package org.ibot4j.runtime.optim;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final String DIR = "/fixtures/official/schedules/";

    @Test void specTestVector() {
        double[] s = CosineSchedule.cosine(1, 0, 3, 2, 1, 0);
        assertArrayEquals(new double[] {0, 1, 1, 0.8535533905932737, 0.5, 0.14644660940672627}, s, 1e-15);
    }

    @Test void vitSmallRecipeNumbers() {
        // lr = 5e-4·1024/256 = 2e-3, min_lr 1e-6, 800 epochs × 1251 iterations, 10 warm-up epochs.
        double[] lr = CosineSchedule.cosine(2e-3, 1e-6, 800, 1251, 10, 0);
        assertEquals(800 * 1251, lr.length);
        assertEquals(0.0, lr[0]);
        assertEquals(1.59885e-7, lr[1], 1e-12);
        assertEquals(2e-3, lr[12509], 0.0);
        assertEquals(2e-3, lr[12510], 0.0);
        assertEquals(1.020372e-3, lr[500400], 1e-9);
        assertEquals(1.0e-6, lr[lr.length - 1], 1e-10);

        double[] wd = CosineSchedule.cosine(0.04, 0.4, 800, 1251);
        assertEquals(0.04, wd[0], 1e-15);
        assertEquals(0.22, wd[wd.length / 2], 1e-12);
        assertEquals(0.4, wd[wd.length - 1], 1e-9);
        double[] mom = CosineSchedule.cosine(0.996, 1.0, 800, 1251);
        assertEquals(0.996, mom[0], 1e-15);
        assertEquals(0.998, mom[mom.length / 2], 1e-12);
        assertEquals(1.0, mom[mom.length - 1], 1e-9);
    }

    @Test void teacherTemperatureVectors() {
        double[] t = TemperatureSchedule.teacher(0.04, 0.07, 30, 100);
        assertEquals(0.04, t[0], 0.0);
        assertEquals(0.0410345, t[1], 1e-7);
        assertEquals(0.0555172, t[15], 1e-7);
        assertEquals(0.07, t[29], 0.0);
        assertEquals(0.07, t[99], 0.0);
        // Swin: patch temperature with pred_start 50
        double[] p = TemperatureSchedule.teacher(0.04, 0.07, 30, 300, 50);
        assertEquals(0.04, p[0], 0.0);
        assertEquals(0.04, p[50], 0.0);
        assertEquals(0.0410345, p[51], 1e-7);
        assertEquals(0.07, p[79], 0.0);
        assertEquals(0.07, p[299], 0.0);
    }

    @Test void linspaceEdgeCases() {
        assertArrayEquals(new double[0], Linspace.linspace(0, 1, 0));
        assertArrayEquals(new double[] {3}, Linspace.linspace(3, 5, 1));
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Linspace.linspace(0, 1, 5), 0);
        assertThrows(IllegalArgumentException.class, () -> CosineSchedule.cosine(1, 0, 2, 5, 3, 0));
    }

    /** The official code's cosine_scheduler / iBOTLoss schedules, stored as float32. */
    @Test void matchesOfficialFixture() throws IOException {
        JsonNode meta = manifest().get("meta");
        JsonNode lr = meta.get("cosine_scheduler_args").get("lr");
        assertFloats("lr", CosineSchedule.cosine(lr.get("base_value").asDouble(), lr.get("final_value").asDouble(),
                lr.get("epochs").asInt(), lr.get("niter_per_ep").asInt(), lr.get("warmup_epochs").asInt(), 0));
        for (String k : new String[] {"wd", "momentum"}) {
            JsonNode a = meta.get("cosine_scheduler_args").get(k);
            assertFloats(k, CosineSchedule.cosine(a.get("base_value").asDouble(), a.get("final_value").asDouble(),
                    a.get("epochs").asInt(), a.get("niter_per_ep").asInt()));
        }
        assertFloats("teacher_temp", TemperatureSchedule.teacher(0.04, 0.07, 30, 100));
        assertFloats("teacher_temp2", TemperatureSchedule.teacher(0.04, 0.07, 30, 100));
        assertFloats("teacher_temp2_mim_start10", TemperatureSchedule.teacher(0.04, 0.07, 30, 100, 10));
    }

    private static void assertFloats(String name, double[] ours) throws IOException {
        float[] want = readF32(name + ".bin");
        assertEquals(want.length, ours.length, name + " length");
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], (float) ours[i], Math.ulp(want[i]), name + "[" + i + "]");
    }

    private static JsonNode manifest() throws IOException {
        try (InputStream in = ScheduleTest.class.getResourceAsStream(DIR + "manifest.json")) {
            assertNotNull(in, "fixture manifest missing");
            return new ObjectMapper().readTree(in);
        }
    }

    private static float[] readF32(String file) throws IOException {
        try (InputStream in = ScheduleTest.class.getResourceAsStream(DIR + file)) {
            assertNotNull(in, "fixture " + file + " missing");
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        }
    }
}
