package org.ibot4j.runtime.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradClipTest {
    private static Tensor withGrad(float... g) {
        Tensor p = Tensor.zeros(g.length);
        p.setGrad(Tensor.of(g.clone(), g.length));
        return p;
    }

    @Test void perParameterClipsEachTensorSeparately() {
        Tensor big = withGrad(30f, 40f);       // norm 50 → scaled to ≈3
        Tensor small = withGrad(1f, 2f, 2f);   // norm 3 → 3/(3+1e-6) < 1 → scaled by ≈(1 - 3.3e-7)
        Tensor tiny = withGrad(0.1f);          // untouched
        Tensor none = Tensor.zeros(2);         // no grad: skipped, no norm reported
        float[] norms = GradClip.perParameter(List.of(big, none, small, tiny), 3.0);
        assertArrayEquals(new float[] {50f, 3f, 0.1f}, norms, 1e-6f);
        float c = 3f / (50f + 1e-6f);
        assertArrayEquals(new float[] {30f * c, 40f * c}, big.grad().toArray(), 1e-6f);
        assertEquals(3.0, norm(big.grad().toArray()), 1e-5);
        assertEquals(3.0, norm(small.grad().toArray()), 1e-5);
        assertArrayEquals(new float[] {0.1f}, tiny.grad().toArray(), 0f);
        assertNull(none.grad());
    }

    @Test void perParameterNamedReportsNormsByName() {
        var ps = new LinkedHashMap<String, Tensor>();
        ps.put("a", withGrad(3f, 4f));
        ps.put("b", Tensor.zeros(1));
        ps.put("c", withGrad(0f, 0f));
        var norms = GradClip.perParameter(ps, 1.0);
        assertEquals(List.of("a", "c"), List.copyOf(norms.keySet()));
        assertEquals(5f, norms.get("a"), 1e-6f);
        assertEquals(0f, norms.get("c"), 0f);
        assertArrayEquals(new float[] {0f, 0f}, ps.get("c").grad().toArray(), 0f);
    }

    @Test void globalNormScalesAllByTheSameFactor() {
        Tensor a = withGrad(3f, 0f), b = withGrad(0f, 4f);
        float total = GradClip.globalNorm(List.of(a, b, Tensor.zeros(1)), 1.0);
        assertEquals(5f, total, 1e-6f);
        assertArrayEquals(new float[] {0.6f, 0f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {0f, 0.8f}, b.grad().toArray(), 1e-6f);

        Tensor c = withGrad(0.3f, 0.4f);
        assertEquals(0.5f, GradClip.globalNorm(List.of(c), 1.0), 1e-6f);
        assertArrayEquals(new float[] {0.3f, 0.4f}, c.grad().toArray(), 1e-6f, "below the limit: unchanged");
    }

    @Test void rejectsNonPositiveMax() {
        assertThrows(IllegalArgumentException.class, () -> GradClip.perParameter(List.of(withGrad(1f)), 0));
    }

    private static double norm(float[] a) { return Math.sqrt(Arrays.stream(toD(a)).map(x -> x * x).sum()); }

    private static double[] toD(float[] a) { double[] r = new double[a.length]; for (int i = 0; i < a.length; i++) r[i] = a[i]; return r; }
}
