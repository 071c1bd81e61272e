package org.ibot4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.ibot4j.model.HeadConfig;
import org.ibot4j.model.IbotHead;
import org.ibot4j.model.MultiCropWrapper;
import org.ibot4j.model.VisionTransformer;
import org.ibot4j.model.VitConfig;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The EMA teacher (spec 7.4 step 9) and the shared-head quirk (spec 11.2) on a tiny student/teacher pair. */
class TeacherTest {
    static final VitConfig VIT = new VitConfig(16, 4, 3, 16, 1, 2, 4.0, true, 0f, 1e-6f, true);

    static MultiCropWrapper model(boolean maskToken, boolean sharedHead, int patchOut, long seed) {
        return new MultiCropWrapper(new VisionTransformer(VIT.withMaskToken(maskToken), new Rng(seed)),
                new IbotHead(new HeadConfig(16, 12, patchOut, 3, 24, 8, "gelu", null, true, sharedHead), new Rng(seed + 1)));
    }

    @Test void teacherStartsAsTheStudentFrozenWithTheSharedHeadQuirk() {
        MultiCropWrapper student = model(true, false, 12, 1), teacherModel = model(false, true, 12, 2);
        Teacher teacher = Teacher.initFrom(student, teacherModel);
        Map<String, Tensor> s = student.stateDict(), t = teacherModel.stateDict();
        assertArrayEquals(s.get("backbone.blocks.0.attn.qkv.weight").toArray(), t.get("backbone.blocks.0.attn.qkv.weight").toArray());
        assertArrayEquals(s.get("head.mlp.4.weight").toArray(), t.get("head.mlp.4.weight").toArray());
        // the teacher's single last layer comes from the student's PATCH layer (loaded last, overwrites the alias)
        assertArrayEquals(s.get("head.last_layer2.weight_v").toArray(), t.get("head.last_layer.weight_v").toArray());
        assertFalse(java.util.Arrays.equals(s.get("head.last_layer.weight_v").toArray(), t.get("head.last_layer.weight_v").toArray()));
        assertEquals(0L, teacherModel.trainableParameterCount(), "teacher frozen");
        assertTrue(teacher.emaNames().contains("head.last_layer.weight_g"), "frozen g is averaged too");
        assertFalse(teacher.emaNames().contains("head.last_layer2.weight_v"), "the student's patch layer is never averaged in");
        assertFalse(teacher.emaNames().contains("backbone.masked_embed"));
        assertEquals(teacherModel.namedParameters().size(), teacher.emaNames().size());
    }

    @Test void updateIsMomentumAverageByNameInFloat32() {
        MultiCropWrapper student = model(true, false, 12, 1), teacherModel = model(false, true, 12, 2);
        Teacher teacher = Teacher.initFrom(student, teacherModel);
        // move the student so teacher and student differ everywhere
        student.namedParameters().values().forEach(p -> p.tensor().addInPlace(Tensor.randn(new Rng(p.size()), p.shape().dims()), 0.1f));
        Map<String, Tensor> before = new java.util.LinkedHashMap<>();
        teacherModel.namedParameters().forEach((n, p) -> before.put(n, p.tensor().contiguousCopy()));
        double m = 0.996;
        teacher.update(m);
        Map<String, Tensor> s = student.stateDict();
        teacherModel.namedParameters().forEach((n, p) -> {
            float[] t0 = before.get(n).toArray(), sv = s.get(n).toArray(), t1 = p.tensor().toArray();
            for (int i = 0; i < t1.length; i++) assertEquals(t0[i] * (float) m + sv[i] * (float) (1 - m), t1[i], 0f, n + "[" + i + "]");
        });
        // the shared teacher layer now blends toward the student's CLS layer, not its patch layer
        float[] cls = s.get("head.last_layer.weight_v").toArray(), tv = teacherModel.stateDict().get("head.last_layer2.weight_v").toArray();
        float[] t0 = before.get("head.last_layer.weight_v").toArray();
        assertEquals(t0[0] * (float) m + cls[0] * (float) (1 - m), tv[0], 0f);
        teacher.update(1.0);
        assertArrayEquals(tv, teacherModel.stateDict().get("head.last_layer.weight_v").toArray(), "m = 1 keeps the teacher");
        teacher.update(0.0);
        assertArrayEquals(cls, teacherModel.stateDict().get("head.last_layer.weight_v").toArray(), "m = 0 copies the student");
        assertThrows(IllegalArgumentException.class, () -> teacher.update(1.5));
    }

    @Test void separateHeadsAverageBothLayersAndAMismatchedSharedLayerFails() {
        MultiCropWrapper student = model(true, false, 10, 1), teacherModel = model(false, false, 10, 2);
        Teacher teacher = Teacher.initFrom(student, teacherModel);
        assertTrue(teacher.emaNames().contains("head.last_layer2.weight_v"));
        assertThrows(IllegalArgumentException.class, () -> Teacher.initFrom(model(true, false, 10, 1), model(false, true, 12, 2)),
                "a shared teacher layer of K rows cannot take a student patch layer of Kp != K rows (PyTorch's size mismatch too)");
    }

    /**
     * The official two-step fixture (step): the teacher built from the official initial student equals the
     * official initial teacher, and after each step the EMA (m = 0.996) of the official student weights gives
     * the official teacher weights.
     */
    @Test void officialInitAndEmaSteps() {
        StepFixture f = StepFixture.load();
        VitConfig vit = new VitConfig(32, 4, 3, 32, 2, 2, 4.0, true, 0f, 1e-6f, true);
        HeadConfig head = new HeadConfig(32, 32, 32, 3, 64, 16, "gelu", null, false, true);
        MultiCropWrapper student = new MultiCropWrapper(new VisionTransformer(vit, new Rng(1)), new IbotHead(head, new Rng(2)));
        MultiCropWrapper teacherModel = new MultiCropWrapper(new VisionTransformer(vit.withMaskToken(false), new Rng(3)), new IbotHead(head, new Rng(4)));
        student.loadStateDict(f.group("init/student"), true);
        Teacher teacher = Teacher.initFrom(student, teacherModel);
        f.group("init/teacher").forEach((n, t) -> assertArrayEquals(t.toArray(), teacherModel.stateDict().get(n).toArray(), "init " + n));
        for (int s = 0; s < 2; s++) {
            Map<String, Tensor> sw = f.group("s" + s + "/student");
            student.loadStateDict(sw, false);
            teacher.update(0.996);
            int step = s;
            f.group("s" + s + "/teacher").forEach((n, t) -> {
                float[] e = t.toArray(), a = teacherModel.stateDict().get(n).toArray();
                for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-7 + 1e-6 * Math.abs(e[i]), "step " + step + " " + n + "[" + i + "]");
            });
        }
    }
}
