package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibot4j.runtime.nn.Block;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Init, input handling, mask semantics and position-table resampling of the ViT, without golden data. */
class VisionTransformerTest {
    static VitConfig small(boolean maskToken) { return new VitConfig(32, 4, 3, 32, 2, 4, 4.0, true, 0f, 1e-6f, maskToken); }

    static Tensor image(long seed, int n, int h, int w) { return Tensor.randn(new Rng(seed), n, 3, h, w); }

    @Test void initFollowsTheSpec() {
        VitConfig c = new VitConfig(224, 16, 3, 96, 2, 3, 4.0, true, 0f, 1e-6f, true);
        VisionTransformer m = new VisionTransformer(c, new Rng(7));
        assertStd("pos_embed", m.posEmbed().tensor(), 0.02, 0.001);
        assertStd("blocks.0.mlp.fc1.weight", m.blocks().get(0).mlp().fc1().weight().tensor(), 0.02, 0.001);
        assertStd("blocks.1.attn.qkv.weight", m.blocks().get(1).attn().qkv().weight().tensor(), 0.02, 0.001);
        for (float v : m.clsToken().tensor().toArray()) assertTrue(Math.abs(v) < 0.1);
        for (Block b : m.blocks()) {
            assertAll(b.attn().qkv().bias().tensor(), 0f);
            assertAll(b.mlp().fc2().bias().tensor(), 0f);
            assertAll(b.norm1().weight().tensor(), 1f);
            assertAll(b.norm2().bias().tensor(), 0f);
        }
        assertAll(m.maskedEmbed().tensor(), 0f);
        double bound = 1 / Math.sqrt(3 * 16 * 16);
        float max = 0;
        for (float v : m.patchEmbed().proj().weight().tensor().toArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= bound && max > 0.9 * bound, "patch conv keeps the default U(±1/√768) init, max " + max);
        assertArrayEquals(m.posEmbed().tensor().toArray(), new VisionTransformer(c, new Rng(7)).posEmbed().tensor().toArray(), "same seed, same weights");
        assertNotEquals(m.posEmbed().tensor().get(0, 3, 5), new VisionTransformer(c, new Rng(8)).posEmbed().tensor().get(0, 3, 5));
    }

    @Test void outputShapesAndClsRow() {
        VisionTransformer m = new VisionTransformer(small(false), new Rng(1));
        m.eval();
        Backbone.Output o = m.forward(image(2, 3, 32, 32), null, true);
        assertArrayEquals(new int[] {3, 65, 32}, o.allTokens().dims());
        assertArrayEquals(new int[] {3, 32}, o.cls().dims());
        assertArrayEquals(new int[] {3, 4, 65, 65}, o.attention().dims());
        assertArrayEquals(o.allTokens().select(1, 0).toArray(), o.cls().toArray());
        assertNull(m.forward(image(2, 3, 32, 32)).attention());
        float[] a = o.attention().toArray();
        for (int r = 0; r < 3 * 4 * 65; r++) {
            double s = 0;
            for (int j = 0; j < 65; j++) s += a[r * 65 + j];
            assertEquals(1.0, s, 1e-5, "attention rows sum to 1");
        }
    }

    @Test void inputValidation() {
        VisionTransformer m = new VisionTransformer(small(false), new Rng(1));
        var rank = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(3, 32, 32)));
        assertTrue(rank.getMessage().contains("[N, 3, H, W]"), rank.getMessage());
        var ch = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 1, 32, 32)));
        assertTrue(ch.getMessage().contains("3 channels"), ch.getMessage());
        var tiny = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 3, 3, 32)));
        assertTrue(tiny.getMessage().contains("smaller than one 4-px patch"), tiny.getMessage());
    }

    @Test void sizesNotDivisibleByThePatchAreFlooredLikePyTorch() {
        VisionTransformer m = new VisionTransformer(small(false), new Rng(1));
        m.eval();
        Tensor big = image(5, 2, 35, 34);
        Tensor cropped = big.slice(2, 0, 32).slice(3, 0, 32).contiguous();
        // 35x34 floors to the same 8x8 grid; its pixel sizes differ, so the reference resamples the table (+0.1 scale).
        Tensor pos = m.positionEmbedding(8, 8, 35, 34);
        Tensor expectedPrep = m.prepareTokens(cropped, null).sub(m.posEmbed().tensor()).add(pos);
        Close.assertClose("floored 35x34 input", expectedPrep, m.prepareTokens(big, null), 1e-6);
        // A square image with leftover pixels keeps the table as is.
        Tensor sq = image(6, 1, 33, 33);
        Close.assertClose("33x33 == 32x32 crop", m.forward(sq.slice(2, 0, 32).slice(3, 0, 32).contiguous()).allTokens(), m.forward(sq).allTokens(), 1e-6);
    }

    @Test void nonSquareInputsResampleThePositionTablePerAxis() {
        VisionTransformer m = new VisionTransformer(small(false), new Rng(1));
        m.eval();
        Backbone.Output o = m.forward(image(3, 2, 16, 24));
        assertArrayEquals(new int[] {2, 1 + 4 * 6, 32}, o.allTokens().dims());
        Tensor pos = m.positionEmbedding(4, 6, 16, 24);
        assertArrayEquals(PosEmbed.resize(m.posEmbed().tensor(), 4, 6).toArray(), pos.toArray());
        assertArrayEquals(m.posEmbed().tensor().select(1, 0).toArray(), pos.select(1, 0).toArray(), "CLS row untouched");
    }

    @Test void maskedCellsTakeTheTokenAndPassNoGradientToThePatchEmbedding() {
        VisionTransformer m = new VisionTransformer(small(true), new Rng(1));
        Init.randomize(m.maskedEmbed().tensor(), 11);
        Tensor x = image(4, 2, 32, 32).requiresGrad(true);
        Tensor mask = Tensor.zeros(2, 8, 8);
        mask.set(1f, 0, 2, 3);
        mask.set(1f, 1, 7, 0);
        Tensor prep = m.prepareTokens(x, mask);
        Tensor plain = m.prepareTokens(x.detach(), null);
        Tensor pos = m.posEmbed().tensor();
        // token 1 + 2*8 + 3 of sample 0 is masked_embed + its position embedding; others unchanged.
        int masked0 = 1 + 2 * 8 + 3, masked1 = 1 + 7 * 8;
        for (int d = 0; d < 32; d++) {
            assertEquals(m.maskedEmbed().tensor().get(0, d) + pos.get(0, masked0, d), prep.get(0, masked0, d), 1e-6);
            assertEquals(m.maskedEmbed().tensor().get(0, d) + pos.get(0, masked1, d), prep.get(1, masked1, d), 1e-6);
            assertEquals(plain.get(0, 5, d), prep.get(0, 5, d), 0f);
        }
        m.forward(x, mask).allTokens().mul(Tensor.randn(new Rng(9), 2, 65, 32)).sum().backward();
        Tensor gx = x.grad();
        assertNotNull(gx);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    assertEquals(0f, gx.get(0, c, 2 * 4 + i, 3 * 4 + j), "no gradient into masked cell pixels");
                    assertEquals(0f, gx.get(1, c, 7 * 4 + i, j), "no gradient into masked cell pixels");
                    assertNotEquals(0f, gx.get(0, c, i, j));
                }
        float gm = 0;
        for (float v : m.maskedEmbed().tensor().grad().toArray()) gm = Math.max(gm, Math.abs(v));
        assertTrue(gm > 0, "masked_embed receives a gradient");
    }

    @Test void fullyMaskedInputLeavesThePatchConvWithoutGradient() {
        VisionTransformer m = new VisionTransformer(small(true), new Rng(1));
        Tensor mask = Tensor.full(org.ibot4j.runtime.tensor.Shape.of(1, 8, 8), 1f);
        m.forward(image(4, 1, 32, 32), mask).allTokens().sum().backward();
        Tensor gb = m.patchEmbed().proj().bias().grad();
        if (gb != null) assertAll(gb, 0f);
        Tensor gw = m.patchEmbed().proj().weight().grad();
        if (gw != null) assertAll(gw, 0f);
    }

    @Test void maskErrorsAndTheMimSwitch() {
        VisionTransformer plain = new VisionTransformer(small(false), new Rng(1));
        var e = assertThrows(IllegalArgumentException.class, () -> plain.forward(image(1, 1, 32, 32), Tensor.zeros(1, 8, 8)));
        assertTrue(e.getMessage().contains("without a mask token"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> plain.setMaskedImModeling(true));
        VisionTransformer m = new VisionTransformer(small(true), new Rng(1));
        assertTrue(m.maskedImModeling());
        var s = assertThrows(IllegalArgumentException.class, () -> m.forward(image(1, 2, 32, 32), Tensor.zeros(2, 4, 4)));
        assertTrue(s.getMessage().contains("[2, 8, 8]"), s.getMessage());
        m.eval();
        Init.randomize(m.maskedEmbed().tensor(), 3);
        Tensor x = image(1, 1, 32, 32), mask = Tensor.full(org.ibot4j.runtime.tensor.Shape.of(1, 8, 8), 1f);
        assertNotEquals(m.forward(x).cls().get(0, 0), m.forward(x, mask).cls().get(0, 0));
        m.setMaskedImModeling(false);
        assertArrayEquals(m.forward(x).allTokens().toArray(), m.forward(x, mask).allTokens().toArray(), "mask ignored with MIM off (spec 11.11)");
    }

    @Test void positionResizeGradientIsItsLinearAdjoint() {
        // resize is linear in the table, so <resize(p), w> has gradient exactly d/dp, checked by unit perturbations.
        Tensor p = Tensor.randn(new Rng(1), 1, 1 + 25, 3).requiresGrad(true);
        Tensor w = Tensor.randn(new Rng(2), 1, 1 + 9, 3);
        PosEmbed.resize(p, 3, 3).mul(w).sum().backward();
        Tensor g = p.grad();
        double base = dot(PosEmbed.resize(p.detach(), 3, 3), w);
        for (int k : new int[] {0, 2, 7, 40, 77}) {
            Tensor q = p.detach().contiguousCopy();
            q.array()[k] += 1f;
            assertEquals(dot(PosEmbed.resize(q, 3, 3), w) - base, g.toArray()[k], 1e-4, "element " + k);
        }
    }

    @Test void intermediateLayersValidation() {
        VisionTransformer m = new VisionTransformer(small(false), new Rng(1));
        assertThrows(IllegalArgumentException.class, () -> m.intermediateLayers(image(1, 1, 32, 32), 3));
        assertEquals(2, m.intermediateLayers(image(1, 1, 32, 32), 2).size());
    }

    static double dot(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (double) x[i] * y[i];
        return s;
    }

    static void assertAll(Tensor t, float v) { for (float x : t.toArray()) assertEquals(v, x, 0f); }

    static void assertStd(String what, Tensor t, double std, double tol) {
        float[] v = t.toArray();
        double s = 0, s2 = 0;
        for (float x : v) { s += x; s2 += x * x; }
        double mean = s / v.length, sd = Math.sqrt(s2 / v.length - mean * mean);
        assertEquals(0, mean, 5 * std / Math.sqrt(v.length), what + " mean");
        assertEquals(std, sd, tol, what + " std");
    }

    /** Small helpers to give zero-initialised parameters values. */
    static final class Init {
        static void randomize(Tensor t, long seed) { t.copyFrom(Tensor.randn(new Rng(seed), t.dims()).mul(0.5f)); }
    }
}
