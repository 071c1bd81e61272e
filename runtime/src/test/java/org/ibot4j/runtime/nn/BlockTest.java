package org.ibot4j.runtime.nn;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.ibot4j.runtime.testing.GradCheck;
import org.junit.jupiter.api.Test;

class BlockTest {
    /** |a − e| ≤ rtol·|e| + atol·max|e| for every element. */
    private static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertArrayEquals(expected.dims(), actual.dims(), what + " shape");
        float[] e = expected.toArray(), a = actual.toArray();
        double scale = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++)
            assertEquals(e[i], a[i], rtol * Math.abs(e[i]) + atol * scale, what + " element " + i);
    }

    @Test void forwardShapesAndAttentionRows() {
        Block b = new Block(16, 4, new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), 3, 5, 16);
        Attention.Output out = b.forward(x, true);
        assertArrayEquals(new int[] {3, 5, 16}, out.x().dims());
        assertArrayEquals(new int[] {3, 4, 5, 5}, out.attn().dims());
        float[] p = out.attn().toArray();
        for (int r = 0; r < p.length / 5; r++) {
            double s = 0;
            for (int j = 0; j < 5; j++) s += p[r * 5 + j];
            assertEquals(1.0, s, 1e-5, "attention row " + r + " sums to 1");
        }
        assertNull(b.forward(x, false).attn());
        assertArrayEquals(out.x().toArray(), b.forward(x).toArray(), 0f);
        assertEquals(0.5f, b.attn().scale(), 0f);
        var ex = assertThrows(IllegalArgumentException.class, () -> b.forward(Tensor.zeros(2, 5, 8)));
        assertTrue(ex.getMessage().contains("[2, 5, 8]"), ex.getMessage());
    }

    /** A PyTorch pre-norm block (tools/make_runtime_fixtures.py, case vit_block) loaded through the state dict. */
    @Test void matchesPyTorchBlockForwardAndBackward() {
        Map<String, Tensor> f = NnFixtures.load("/fixtures/torch/vit_block");
        Block b = new Block(64, 4, new Rng(0));
        b.loadStateDict(NnFixtures.strip(f, "param/"), true);
        Tensor x = f.get("x").requiresGrad(true);
        Attention.Output out = b.forward(x, true);
        assertClose("out", f.get("out"), out.x(), 1e-4, 1e-5);
        assertClose("attn", f.get("attn"), out.attn(), 1e-4, 1e-5);
        out.x().backward(f.get("gout"));
        assertClose("grad x", f.get("grad_x"), x.grad(), 1e-4, 1e-5);
        b.namedParameters().forEach((n, p) -> assertClose("grad " + n, f.get("grad/" + n), p.grad(), 1e-4, 1e-5));
    }

    /** Blocks 0 and 1 of the official iBOT ViT, loaded by their checkpoint names into a ModuleList "blocks". */
    @Test void matchesOfficialIbotBlocks() {
        Map<String, Tensor> f = NnFixtures.load("/fixtures/official/vit_micro");
        ModuleList<Block> blocks = new ModuleList<>();
        Rng rng = new Rng(0);
        blocks.add(new Block(64, 4, rng));
        blocks.add(new Block(64, 4, rng));
        Module wrapper = new Module() {
            { registerModule("blocks", blocks); }
        };
        wrapper.loadStateDict(NnFixtures.strip(f, "state/"), true);
        wrapper.eval();
        try (var ignored = GradMode.noGrad()) {
            Tensor y0 = blocks.get(0).forward(f.get("prepared_tokens"));
            assertClose("block 0", f.get("block_out/0"), y0, 1e-4, 1e-5);
            assertClose("block 1", f.get("block_out/1"), blocks.get(1).forward(y0), 1e-4, 1e-5);
        }
    }

    @Test void inputGradientMatchesFiniteDifferences() {
        Block b = new Block(8, 2, new Rng(11));
        perturbNorms(b, new Rng(12));
        Tensor x = Tensor.randn(new Rng(13), 2, 3, 8).requiresGrad(true);
        GradCheck.of("Block(8, 2) input", in -> b.forward(in[0])).eps(1e-2).tolerance(2e-2, 2e-3).check(x);
    }

    @Test void parameterGradientsMatchFiniteDifferences() {
        Block b = new Block(8, 2, new Rng(21));
        perturbNorms(b, new Rng(22));
        Tensor x = Tensor.randn(new Rng(23), 2, 3, 8);
        Tensor g = Tensor.randn(new Rng(24), 2, 3, 8);
        b.zeroGrad();
        b.forward(x).backward(g);
        Rng pick = new Rng(25);
        double eps = 1e-2;
        for (var e : b.namedParameters().entrySet()) {
            Tensor p = e.getValue().tensor();
            float[] analytic = e.getValue().grad().toArray();
            float[] data = p.array();
            for (int k = 0; k < 6; k++) {
                int i = pick.nextInt(p.size());
                float orig = data[i];
                float up = (float) (orig + eps), down = (float) (orig - eps);
                data[i] = up;
                double lp = dot(b, x, g);
                data[i] = down;
                double lm = dot(b, x, g);
                data[i] = orig;
                double numeric = (lp - lm) / ((double) up - down);
                assertEquals(numeric, analytic[i], 3e-3 + 3e-2 * Math.abs(numeric), e.getKey() + " element " + i);
            }
        }
    }

    private static double dot(Block b, Tensor x, Tensor g) {
        try (var ignored = GradMode.noGrad()) {
            float[] y = b.forward(x).toArray(), gv = g.toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * gv[i];
            return s;
        }
    }

    /** Non-trivial LayerNorm affine parameters, so their gradients are exercised too. */
    private static void perturbNorms(Block b, Rng rng) {
        for (LayerNorm n : new LayerNorm[] {b.norm1(), b.norm2()}) {
            Init.uniform(n.weight().tensor(), 0.5, 1.5, rng);
            Init.uniform(n.bias().tensor(), -0.3, 0.3, rng);
        }
    }

    @Test void dropPathKeepsOrZeroesWholeSamplesOnlyWhenTraining() {
        DropPath dp = new DropPath(0.5f, new Rng(3));
        Tensor x = Tensor.ones(64, 3, 2);
        float[] y = dp.forward(x).toArray();
        int kept = 0;
        for (int s = 0; s < 64; s++) {
            float first = y[s * 6];
            assertTrue(first == 0f || first == 2f, "sample " + s + " value " + first);
            for (int j = 1; j < 6; j++) assertEquals(first, y[s * 6 + j], 0f, "whole sample " + s + " shares the mask");
            if (first != 0) kept++;
        }
        assertTrue(kept > 16 && kept < 48, "about half kept: " + kept);
        dp.eval();
        assertSame(x, dp.forward(x));
        assertSame(x, new DropPath(0f, null).forward(x));
    }

    @Test void dropoutInTrainingOnlyAndSeeded() {
        Tensor x = Tensor.ones(1000);
        Dropout d1 = new Dropout(0.25f, new Rng(9)), d2 = new Dropout(0.25f, new Rng(9));
        float[] y1 = d1.forward(x).toArray(), y2 = d2.forward(x).toArray();
        assertArrayEquals(y1, y2, 0f, "same seed, same mask");
        int zeros = 0;
        for (float v : y1) {
            assertTrue(v == 0f || Math.abs(v - 1f / 0.75f) < 1e-6, "value " + v);
            if (v == 0) zeros++;
        }
        assertTrue(zeros > 200 && zeros < 300, "about a quarter dropped: " + zeros);
        d1.eval();
        assertSame(x, d1.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(0.5f, null));
    }

    @Test void attentionDropoutPathEqualsFusedPathInEval() {
        Attention withDrop = new Attention(8, 2, true, null, 0.3f, 0f, new Rng(4));
        Attention plain = new Attention(8, 2, true, null, 0f, 0f, new Rng(4));
        Tensor x = Tensor.randn(new Rng(5), 2, 4, 8);
        withDrop.eval();
        Attention.Output a = withDrop.forward(x, true), b = plain.forward(x, true);
        assertArrayEquals(b.x().toArray(), a.x().toArray(), 1e-6f);
        assertArrayEquals(b.attn().toArray(), a.attn().toArray(), 1e-6f);
        withDrop.train();
        float[] p = withDrop.forward(x, true).attn().toArray();  // explicit path: dropped probabilities
        int zeros = 0;
        for (float v : p) if (v == 0f) zeros++;
        assertTrue(zeros > 0, "attention dropout active in training");
    }

    @Test void mlpAndLinearForward() {
        Rng rng = new Rng(6);
        Mlp mlp = new Mlp(4, 16, 3, 0f, rng);
        Tensor x = Tensor.randn(rng, 2, 5, 4);
        Tensor y = mlp.forward(x);
        assertArrayEquals(new int[] {2, 5, 3}, y.dims());
        // by hand: fc2(gelu(fc1(x))) for one row
        float[] w1 = mlp.fc1().weight().tensor().toArray(), b1 = mlp.fc1().bias().tensor().toArray();
        float[] w2 = mlp.fc2().weight().tensor().toArray(), b2 = mlp.fc2().bias().tensor().toArray();
        float[] xr = x.toArray();
        double[] h = new double[16];
        for (int j = 0; j < 16; j++) {
            double s = b1[j];
            for (int i = 0; i < 4; i++) s += w1[j * 4 + i] * xr[i];
            h[j] = 0.5 * s * (1 + org.ibot4j.runtime.backend.cpu.Erf.erf(s / Math.sqrt(2)));
        }
        for (int o = 0; o < 3; o++) {
            double s = b2[o];
            for (int j = 0; j < 16; j++) s += w2[o * 16 + j] * h[j];
            assertEquals(s, y.toArray()[o], 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> new Linear(4, 3, true, rng).forward(Tensor.zeros(2, 5)));
    }
}
