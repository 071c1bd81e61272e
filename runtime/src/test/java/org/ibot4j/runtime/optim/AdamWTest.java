package org.ibot4j.runtime.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /** Reference AdamW in double for one tensor, state carried in m, v. */
    private static void refStep(double[] p, double[] g, double[] m, double[] v, int t, double lr, double wd) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.pow(b1, t));
            double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
            p[i] -= lr * mHat / denom;
        }
    }

    private static double[] d(float[] a) { double[] r = new double[a.length]; for (int i = 0; i < a.length; i++) r[i] = a[i]; return r; }

    private static void assertClose(double[] want, float[] got, double tol) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), "element " + i);
    }

    @Test void twoStepsMatchHandComputedDouble() {
        float[] p0 = {0.5f, -1.25f, 2f, 0f, 1e-3f, -0.3f};
        Tensor w = Tensor.of(p0.clone(), 2, 3).requiresGrad(true);
        AdamW opt = new AdamW(List.of(ParamGroup.of(Map.of("w", w), 1e-2, 0.05)));
        double[] p = d(p0), m = new double[6], v = new double[6];
        float[][] grads = {{0.1f, -0.2f, 0.3f, 0f, 5f, -1e-4f}, {-0.3f, 0.1f, 0.05f, 2f, 4f, 1e-4f}};
        for (int t = 1; t <= 2; t++) {
            w.setGrad(Tensor.of(grads[t - 1].clone(), 2, 3));
            opt.step();
            refStep(p, d(grads[t - 1]), m, v, t, 1e-2, 0.05);
            assertClose(p, w.toArray(), 1e-6);
            assertEquals(t, opt.state(w).step());
            assertClose(m, opt.state(w).expAvg(), 1e-6);
            assertClose(v, opt.state(w).expAvgSq(), 1e-6);
        }
    }

    @Test void firstStepIsSignTimesLrAfterDecay() {
        // After one step m̂ = g and v̂ = g², so p1 = p0(1-lr·wd) - lr·g/(|g| + ε) ≈ p0(1-lr·wd) - lr·sign(g).
        Tensor w = Tensor.of(new float[] {1f, -2f, 3f}, 3).requiresGrad(true);
        w.setGrad(Tensor.of(new float[] {0.5f, -7f, 1e-3f}, 3));
        new AdamW(List.of(ParamGroup.of(Map.of("w", w), 0.1, 0.5))).step();
        float[] got = w.toArray();
        assertEquals(1f * 0.95f - 0.1f, got[0], 1e-6);
        assertEquals(-2f * 0.95f + 0.1f, got[1], 1e-6);
        assertEquals(3f * 0.95f - 0.1f * (1e-3 / (1e-3 + 1e-8)), got[2], 1e-6);
    }

    @Test void groupsUseTheirOwnLrAndWeightDecay() {
        Tensor a = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad(true);
        AdamW opt = new AdamW(List.of(ParamGroup.of(Map.of("a", a), 0.1, 0.5), ParamGroup.of(Map.of("b", b), 0.01, 0.0)));
        float[] g = {0.2f, -0.4f};
        a.setGrad(Tensor.of(g.clone(), 2));
        b.setGrad(Tensor.of(g.clone(), 2));
        opt.step();
        double[] pa = {1, 2}, pb = {1, 2};
        refStep(pa, d(g), new double[2], new double[2], 1, 0.1, 0.5);
        refStep(pb, d(g), new double[2], new double[2], 1, 0.01, 0.0);
        assertClose(pa, a.toArray(), 1e-6);
        assertClose(pb, b.toArray(), 1e-6);

        // lr / wd changed between steps are honoured (schedules set them every iteration).
        opt.groups().get(0).setLr(0.0);
        opt.groups().get(0).setWeightDecay(0.0);
        float[] before = a.toArray();
        opt.step();
        assertArrayEquals(before, a.toArray(), 0f);
    }

    @Test void parametersWithoutGradientAreSkippedEntirely() {
        Tensor a = Tensor.of(new float[] {1f, 2f}, 1, 2).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3f, 4f}, 1, 2).requiresGrad(true);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        AdamW opt = new AdamW(List.of(ParamGroup.of(params, 0.1, 0.5)));
        a.setGrad(Tensor.of(new float[] {0.1f, 0.2f}, 1, 2));
        opt.step();
        assertArrayEquals(new float[] {3f, 4f}, b.toArray(), 0f, "no decay without a gradient");
        assertNull(opt.state(b));

        // b joins at the optimiser's 2nd step: its own step count starts at 1 (bias correction of step 1).
        b.setGrad(Tensor.of(new float[] {0.3f, -0.3f}, 1, 2));
        a.zeroGrad();
        float[] aBefore = a.toArray();
        opt.step();
        assertArrayEquals(aBefore, a.toArray(), 0f);
        assertEquals(1, opt.state(a).step());
        assertEquals(1, opt.state(b).step());
        double[] pb = {3, 4};
        refStep(pb, new double[] {0.3f, -0.3f}, new double[2], new double[2], 1, 0.1, 0.5);
        assertClose(pb, b.toArray(), 1e-6);
    }

    @Test void zeroGradClearsAllGradients() {
        Tensor a = Tensor.zeros(2).requiresGrad(true);
        a.setGrad(Tensor.ones(2));
        AdamW opt = new AdamW(List.of(ParamGroup.of(Map.of("a", a), 0.1, 0)));
        opt.zeroGrad();
        assertNull(a.grad());
    }

    @Test void rejectsATensorInTwoGroups() {
        Tensor a = Tensor.zeros(2);
        var ex = assertThrows(IllegalArgumentException.class,
                () -> new AdamW(List.of(ParamGroup.of(Map.of("x", a), 0.1, 0), ParamGroup.of(Map.of("y", a), 0.1, 0))));
        assertTrue(ex.getMessage().contains("'y'") && ex.getMessage().contains("'x'"), ex.getMessage());
    }

    @Test void stateRoundTripsForCheckpoints() {
        Tensor a = Tensor.of(new float[] {1f, 2f}, 2);
        Tensor b = Tensor.of(new float[] {1f, 2f}, 2);
        AdamW o1 = new AdamW(List.of(ParamGroup.of(Map.of("a", a), 0.1, 0.1)));
        AdamW o2 = new AdamW(List.of(ParamGroup.of(Map.of("b", b), 0.1, 0.1)));
        a.setGrad(Tensor.of(new float[] {0.5f, -0.1f}, 2));
        o1.step();
        AdamW.State s = o1.state(a);
        b.copyFrom(a);
        o2.setState(b, new AdamW.State(s.step(), s.expAvg().clone(), s.expAvgSq().clone()));
        a.setGrad(Tensor.of(new float[] {0.2f, 0.3f}, 2));
        b.setGrad(Tensor.of(new float[] {0.2f, 0.3f}, 2));
        o1.step();
        o2.step();
        assertArrayEquals(a.toArray(), b.toArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> o2.setState(b, new AdamW.State(1, new float[3], new float[3])));
    }
}
