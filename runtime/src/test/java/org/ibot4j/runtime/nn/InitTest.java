package org.ibot4j.runtime.nn;

import static org.junit.jupiter.api.Assertions.*;

import org.ibot4j.runtime.backend.cpu.Erf;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {
    private record Stats(double mean, double std, double min, double max) {}

    private static Stats stats(Tensor t) {
        float[] a = t.toArray();
        double s = 0, s2 = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (float v : a) { s += v; s2 += (double) v * v; min = Math.min(min, v); max = Math.max(max, v); }
        double mean = s / a.length;
        return new Stats(mean, Math.sqrt(s2 / a.length - mean * mean), min, max);
    }

    @Test void erfinvInvertsErf() {
        assertEquals(0.4769362762044699, Init.erfinv(0.5), 1e-15);
        assertEquals(-1.1630871536766743, Init.erfinv(-0.9), 1e-14);
        assertEquals(0.0, Init.erfinv(0.0));
        assertEquals(Double.POSITIVE_INFINITY, Init.erfinv(1.0));
        assertTrue(Double.isNaN(Init.erfinv(1.5)));
        for (double y = -0.999999; y < 1; y += 0.0123457) {
            double x = Init.erfinv(y);
            assertEquals(y, Erf.erf(x), 2e-16 + 1e-15 * Math.abs(y), "erf(erfinv(" + y + "))");
        }
        for (double x : new double[] {2.5, 3.5, 4.5}) assertEquals(x, Init.erfinv(Erf.erf(x)), 1e-6 * x, "tail at " + x);
    }

    @Test void truncNormalStd002MatchesTimmInit() {
        Tensor w = Init.truncNormal(Tensor.zeros(400, 250), 0.02, new Rng(7));
        Stats s = stats(w);
        // 100k samples: standard error of the mean 6.3e-5, of the std ~4.5e-5
        assertEquals(0.0, s.mean(), 3e-4);
        assertEquals(0.02, s.std(), 3e-4);
        assertTrue(s.min() >= -2 && s.max() <= 2);
        assertTrue(s.max() > 0.07 && s.min() < -0.07, "tails present: " + s);
    }

    @Test void truncNormalRespectsTightBoundsWithTheTruncatedMean() {
        double a = -1, b = 1.5;
        Tensor t = Init.truncNormal(Tensor.zeros(200_000), 0, 1, a, b, new Rng(3));
        Stats s = stats(t);
        assertTrue(s.min() >= a && s.max() <= b, s.toString());
        double phiA = Math.exp(-a * a / 2) / Math.sqrt(2 * Math.PI), phiB = Math.exp(-b * b / 2) / Math.sqrt(2 * Math.PI);
        double z = Init.normCdf(b) - Init.normCdf(a);
        double mean = (phiA - phiB) / z;
        double var = 1 + (a * phiA - b * phiB) / z - mean * mean;
        assertEquals(mean, s.mean(), 0.01);
        assertEquals(Math.sqrt(var), s.std(), 0.01);
    }

    @Test void sameSeedGivesBitIdenticalWeights() {
        Tensor a = Init.truncNormal(Tensor.zeros(64, 32), 0.02, new Rng(42));
        Tensor b = Init.truncNormal(Tensor.zeros(64, 32), 0.02, new Rng(42));
        Tensor c = Init.truncNormal(Tensor.zeros(64, 32), 0.02, new Rng(43));
        assertArrayEquals(a.toArray(), b.toArray(), 0f);
        assertFalse(java.util.Arrays.equals(a.toArray(), c.toArray()));

        Block x = new Block(16, 2, new Rng(5)), y = new Block(16, 2, new Rng(5));
        var sx = x.stateDict();
        y.stateDict().forEach((k, v) -> assertArrayEquals(sx.get(k).toArray(), v.toArray(), 0f, k));
    }

    @Test void pytorchDefaultLinearAndConvInit() {
        Linear l = new Linear(300, 200, true, new Rng(1));
        double bound = 1 / Math.sqrt(300);
        Stats w = stats(l.weight().tensor()), b = stats(l.bias().tensor());
        assertTrue(w.min() >= -bound && w.max() < bound);
        assertEquals(bound / Math.sqrt(3), w.std(), 0.01 * bound);  // U(±B) has std B/√3
        assertEquals(0.0, w.mean(), 0.01 * bound);
        assertTrue(b.min() >= -bound && b.max() < bound && b.max() > 0.8 * bound);

        Tensor conv = Tensor.zeros(96, 3, 4, 4);
        assertEquals(48, Init.fanIn(conv));
        Init.defaultWeight(conv, new Rng(2));
        Stats c = stats(conv);
        assertTrue(c.max() < 1 / Math.sqrt(48) && c.min() >= -1 / Math.sqrt(48) && c.max() > 0.9 / Math.sqrt(48));
        assertThrows(IllegalArgumentException.class, () -> Init.fanIn(Tensor.zeros(3)));
    }

    @Test void constantsAndLinearReinit() {
        Linear l = new Linear(8, 4, true, new Rng(1));
        l.initTruncNormal(0.02, new Rng(2));
        assertArrayEquals(new float[4], l.bias().tensor().toArray(), 0f);
        assertTrue(stats(l.weight().tensor()).std() < 0.05);
        assertArrayEquals(new float[] {1, 1, 1}, Init.ones(Tensor.zeros(3)).toArray(), 0f);
        assertArrayEquals(new float[] {2.5f, 2.5f}, Init.constant(Tensor.zeros(2), 2.5f).toArray(), 0f);
    }
}
