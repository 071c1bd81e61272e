package org.ibot4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.ibot4j.model.IbotHead;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The iBOT loss against the official {@code iBOTLoss} (commit da316d8, PyTorch 1.13; fixtures loss/g2l0 and
 * loss/g2l2): the three loss parts at epoch 5 of a 0.04→0.07 warm-up, the gradients with respect to every
 * student output, and the centers after the update; plus the official teacher temperature schedules.
 */
class IbotLossOfficialTest {
    static final double RTOL = 1e-5, ATOL = 1e-6;

    @ParameterizedTest @ValueSource(strings = {"g2l0", "g2l2"})
    void lossGradientsAndCentersMatchOfficial(String name) throws IOException {
        String dir = "/fixtures/official/loss/" + name;
        JsonNode manifest = json(dir + "/manifest.json"), meta = manifest.get("meta"), temps = meta.get("temps");
        IbotLoss loss = new IbotLoss(IbotLoss.Config.of(meta.get("out_dim").asInt(), meta.get("patch_out_dim").asInt(),
                meta.get("ngcrops").asInt(), meta.get("nlcrops").asInt(), temps.get("warmup_teacher_temp").asDouble(),
                temps.get("teacher_temp").asDouble(), temps.get("warmup_teacher_temp2").asDouble(), temps.get("teacher_temp2").asDouble(),
                temps.get("warmup_teacher_temp_epochs").asInt(), temps.get("nepochs").asInt()));
        int epoch = meta.get("epoch").asInt();
        assertEquals(meta.get("teacher_temp_at_epoch").asDouble(), loss.teacherTemp(epoch), 1e-12);
        assertEquals(meta.get("teacher_temp2_at_epoch").asDouble(), loss.teacherPatchTemp(epoch), 1e-12);
        loss.center().copyFrom(read(dir, manifest, "center_before"));
        loss.center2().copyFrom(read(dir, manifest, "center2_before"));

        Tensor sCls = read(dir, manifest, "student_cls").requiresGrad(true), sPatch = read(dir, manifest, "student_patch").requiresGrad(true);
        Tensor sLoc = meta.get("nlcrops").asInt() > 0 ? read(dir, manifest, "student_local_cls").requiresGrad(true) : null;
        IbotLoss.Parts parts = loss.forward(new IbotHead.Output(sCls, sPatch),
                new IbotHead.Output(read(dir, manifest, "teacher_cls"), read(dir, manifest, "teacher_patch")),
                sLoc, List.of(read(dir, manifest, "mask/0"), read(dir, manifest, "mask/1")), epoch);
        close(name + " loss", read(dir, manifest, "loss"), parts.total());
        close(name + " cls", read(dir, manifest, "loss_cls"), parts.cls());
        close(name + " patch", read(dir, manifest, "loss_patch"), parts.patch());
        close(name + " center after", read(dir, manifest, "center_after"), loss.center());
        close(name + " center2 after", read(dir, manifest, "center2_after"), loss.center2());

        parts.total().backward();
        close(name + " grad student_cls", read(dir, manifest, "grad/student_cls"), sCls.grad());
        close(name + " grad student_patch", read(dir, manifest, "grad/student_patch"), sPatch.grad());
        if (sLoc != null) close(name + " grad student_local_cls", read(dir, manifest, "grad/student_local_cls"), sLoc.grad());
    }

    @ParameterizedTest @ValueSource(strings = {"teacher_temp", "teacher_temp2", "teacher_temp2_mim_start10"})
    void temperatureSchedulesMatchOfficial(String name) throws IOException {
        String dir = "/fixtures/official/loss/schedules";
        float[] expected = read(dir, json(dir + "/manifest.json"), name).toArray();
        IbotLoss.Config c = IbotLoss.Config.of(8, 8, 2, 0, 0.04, 0.07, 0.04, 0.07, 30, 100);
        IbotLoss loss = new IbotLoss(name.endsWith("start10") ? c.withMimStartEpoch(10) : c);
        for (int e = 0; e < expected.length; e++)
            assertEquals(expected[e], (float) (name.equals("teacher_temp") ? loss.teacherTemp(e) : loss.teacherPatchTemp(e)), name + " epoch " + e);
    }

    /** numpy.allclose-style: |a − e| ≤ ATOL + RTOL·|e| element-wise, shapes equal. */
    static void close(String what, Tensor expected, Tensor actual) {
        assertEquals(expected.size(), actual.size(), what + ": size");
        float[] e = expected.toArray(), a = actual.toArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            worst = Math.max(worst, err);
            assertTrue(err <= ATOL + RTOL * Math.abs(e[i]), what + " element " + i + ": " + a[i] + " vs " + e[i]);
        }
        System.out.printf("%-36s max|err| %.3e%n", what, worst);
    }

    static JsonNode json(String path) throws IOException {
        try (InputStream in = open(path)) { return new ObjectMapper().readTree(in); }
    }

    static Tensor read(String dir, JsonNode manifest, String key) throws IOException {
        JsonNode t = manifest.get("tensors").get(key);
        if (t == null) throw new IllegalArgumentException(dir + " has no tensor " + key);
        int[] shape = new int[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asInt();
        byte[] bytes;
        try (InputStream in = open(dir + "/" + t.get("file").asText())) { bytes = in.readAllBytes(); }
        float[] v = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        assertEquals(t.get("numel").asInt(), v.length, key + " element count");
        return Tensor.of(v, shape);
    }

    static InputStream open(String path) {
        InputStream in = IbotLossOfficialTest.class.getResourceAsStream(path);
        if (in == null) throw new IllegalStateException("missing test resource " + path);
        return in;
    }
}
