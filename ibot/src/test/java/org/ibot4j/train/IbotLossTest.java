package org.ibot4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.ibot4j.model.IbotHead;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The iBOT loss on the worked test vector of spec 6.6, its gradients by finite differences, schedules and state. */
class IbotLossTest {
    static final int K = 4, B = 2, G = 2, L = 1, P = 3;

    static IbotLoss specLoss() {
        IbotLoss loss = new IbotLoss(IbotLoss.Config.of(K, K, G, L, 0.04, 0.04, 0.05, 0.05, 0, 1));
        loss.center().fill(0.1f);
        loss.center2().fill(-0.05f);
        return loss;
    }

    static Tensor filled(int[] dims, java.util.function.IntUnaryOperator f, int mod, double scale, double shift) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (Math.floorMod(f.applyAsInt(i), mod) * scale + shift);
        return Tensor.of(v, dims);
    }

    // flat index i over [rows, K] is 4r+k, over [rows, P, K] it is 12r+4p+k: exactly the spec's formulas
    static Tensor sAll() { return filled(new int[] {6, K}, i -> i, 7, 0.3, -0.9); }
    static Tensor tCls() { return filled(new int[] {4, K}, i -> i, 5, 0.25, -0.5); }
    static Tensor sPatch() { return filled(new int[] {4, P, K}, i -> i, 11, 0.2, -1.0); }
    static Tensor tPatch() { return filled(new int[] {4, P, K}, i -> i, 3, 0.5, -0.5); }
    static List<Tensor> masks() {
        return List.of(Tensor.of(new float[] {1, 0, 1, 0, 0, 0}, B, P), Tensor.of(new float[] {0, 1, 0, 1, 1, 1}, B, P));
    }

    static IbotLoss.Parts run(IbotLoss loss, Tensor sAll, Tensor sPatch) {
        IbotHead.Output student = new IbotHead.Output(sAll.slice(0, 0, G * B), sPatch);
        return loss.forward(student, new IbotHead.Output(tCls(), tPatch()), sAll.slice(0, G * B, (G + L) * B), masks(), 0.04, 0.05);
    }

    @Test void specTestVector() {
        IbotLoss loss = specLoss();
        IbotLoss.Parts parts = run(loss, sAll(), sPatch());
        assertEquals(3.792322563462376, parts.cls().item(), 2e-6);
        assertEquals(3.608492875030344, parts.patch().item(), 2e-6);
        assertEquals(7.40081543849272, parts.total().item(), 4e-6);
        float[] c1 = loss.center().toArray();
        double[] expected = {0.09625, 0.09, 0.08375, 0.0775};
        for (int k = 0; k < K; k++) assertEquals(expected[k], c1[k], 1e-7);
        for (float c : loss.center2().toArray()) assertEquals(-0.045, c, 1e-7);
    }

    @Test void gradientsMatchFiniteDifferences() {
        Rng rng = new Rng(11);
        Tensor sAll = Tensor.randn(rng, 6, K).requiresGrad(true), sPatch = Tensor.randn(rng, 4, P, K).requiresGrad(true);
        run(specLoss(), sAll, sPatch).total().backward();
        checkFd("student cls", sAll, sAll.grad(), () -> run(specLoss(), sAll, sPatch).total().item());
        checkFd("student patch", sPatch, sPatch.grad(), () -> run(specLoss(), sAll, sPatch).total().item());
    }

    private static void checkFd(String what, Tensor x, Tensor grad, java.util.function.DoubleSupplier f) {
        float[] a = x.array(), g = grad.toArray();
        double h = 1e-2, worst = 0;
        for (int i = 0; i < a.length; i++) {
            float keep = a[i];
            a[i] = (float) (keep + h);
            double up = f.getAsDouble();
            a[i] = (float) (keep - h);
            double down = f.getAsDouble();
            a[i] = keep;
            double fd = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(fd - g[i]));
            assertEquals(fd, g[i], 2e-3 + 2e-2 * Math.abs(fd), what + " element " + i);
        }
        System.out.printf("%s: max |fd - analytic| %.2e%n", what, worst);
    }

    @Test void emptyMasksGiveZeroPatchLossButKeepTheGraph() {
        IbotLoss loss = specLoss();
        Tensor sPatch = sPatch().requiresGrad(true);
        IbotHead.Output student = new IbotHead.Output(sAll().slice(0, 0, G * B), sPatch);
        List<Tensor> none = List.of(Tensor.zeros(B, 1, P), Tensor.zeros(B, P, 1));
        IbotLoss.Parts parts = loss.forward(student, new IbotHead.Output(tCls(), tPatch()), sAll().slice(0, G * B, 6), none, 0.04, 0.05);
        assertEquals(0f, parts.patch().item());
        parts.total().backward();
        for (float v : sPatch.grad().toArray()) assertEquals(0f, v, 0f, "zero (not absent) patch gradients, as the reference's");
    }

    @Test void temperatureSchedulesPerEpochWithMimStart() {
        IbotLoss loss = new IbotLoss(IbotLoss.Config.of(8, 8, 2, 0, 0.04, 0.07, 0.04, 0.07, 30, 100).withMimStartEpoch(50));
        assertEquals(0.04, loss.teacherTemp(0), 1e-12);
        assertEquals(0.0410345, loss.teacherTemp(1), 1e-7);
        assertEquals(0.0555172, loss.teacherTemp(15), 1e-7);
        assertEquals(0.07, loss.teacherTemp(29), 1e-12);
        assertEquals(0.04, loss.teacherPatchTemp(50), 1e-12);
        assertEquals(0.0410345, loss.teacherPatchTemp(51), 1e-7);
        assertEquals(0.07, loss.teacherPatchTemp(79), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> loss.teacherTemp(100));
    }

    @Test void centersRoundTripThroughTheStateDict() {
        IbotLoss loss = specLoss();
        Map<String, Tensor> state = loss.stateDict();
        assertEquals(List.of("center", "center2"), List.copyOf(state.keySet()));
        assertArrayEquals(new int[] {1, K}, state.get("center").dims());
        assertArrayEquals(new int[] {1, 1, K}, state.get("center2").dims());
        IbotLoss other = new IbotLoss(IbotLoss.Config.of(K, K, G, L, 0.04, 0.04, 0.05, 0.05, 0, 1));
        other.loadStateDict(state, true);
        assertArrayEquals(loss.center2().toArray(), other.center2().toArray());
        assertEquals(0.1f, other.center().toArray()[3]);
    }

    @Test void badInputsAreRejectedByName() {
        IbotLoss loss = specLoss();
        IbotHead.Output student = new IbotHead.Output(sAll().slice(0, 0, G * B), sPatch());
        IbotHead.Output teacher = new IbotHead.Output(tCls(), tPatch());
        var e = assertThrows(IllegalArgumentException.class, () -> loss.forward(student, teacher, null, masks(), 0.04, 0.05));
        assertTrue(e.getMessage().contains("local"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> loss.forward(student, teacher, sAll().slice(0, 4, 6), masks().subList(0, 1), 0.04, 0.05));
        assertTrue(e.getMessage().contains("mask"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IbotLoss.Config.of(K, K, 1, 0, 0.04, 0.04, 0.05, 0.05, 0, 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(new IbotHead.Output(sAll().slice(0, 0, G * B), null), teacher, sAll().slice(0, 4, 6), masks(), 0.04, 0.05));
        assertTrue(e.getMessage().contains("patch logits"), e.getMessage());
    }
}
