package org.ibot4j.runtime.optim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SgdLarsTest {
    @Test void sgdMomentumMatchesPyTorchRecurrence() {
        Tensor w = Tensor.of(new float[] {1f, -1f}, 2);
        Sgd opt = new Sgd(List.of(ParamGroup.of(Map.of("w", w), 0.1, 0.01)), 0.9);
        double[] p = {1, -1}, buf = new double[2];
        double[][] gs = {{0.5, 0.25}, {-1, 2}, {0.1, 0.1}};
        for (int t = 0; t < gs.length; t++) {
            w.setGrad(Tensor.of(new float[] {(float) gs[t][0], (float) gs[t][1]}, 2));
            opt.step();
            for (int i = 0; i < 2; i++) {
                double dd = gs[t][i] + 0.01 * p[i];
                buf[i] = t == 0 ? dd : 0.9 * buf[i] + dd;
                p[i] -= 0.1 * buf[i];
            }
            assertEquals(p[0], w.get(0), 1e-6);
            assertEquals(p[1], w.get(1), 1e-6);
        }
    }

    @Test void sgdNesterovAndPlain() {
        Tensor w = Tensor.of(new float[] {2f}, 1);
        Sgd opt = new Sgd(List.of(ParamGroup.of(Map.of("w", w), 0.5, 0)), 0.5, true);
        w.setGrad(Tensor.of(new float[] {1f}, 1));
        opt.step();  // buf = 1, d = 1 + 0.5·1 = 1.5 → p = 2 - 0.75
        assertEquals(1.25f, w.get(0), 0f);
        opt.step();  // buf = 0.5 + 1 = 1.5, d = 1 + 0.75 = 1.75 → p = 1.25 - 0.875
        assertEquals(0.375f, w.get(0), 0f);

        Tensor v = Tensor.of(new float[] {2f}, 1);
        Sgd plain = new Sgd(List.of(ParamGroup.of(Map.of("v", v), 0.5, 0)), 0);
        v.setGrad(Tensor.of(new float[] {1f}, 1));
        plain.step();
        plain.step();
        assertEquals(1f, v.get(0), 0f);
        assertNull(plain.momentumBuffer(v));
    }

    @Test void larsScalesMatricesByTrustRatioAndLeavesVectorsAlone() {
        Tensor w = Tensor.of(new float[] {3f, 4f}, 1, 2);    // ‖w‖ = 5
        Tensor b = Tensor.of(new float[] {1f, 1f}, 2);       // 1-D: no decay, no trust ratio
        Lars opt = new Lars(List.of(new ParamGroup(List.of(new ParamGroup.Entry("w", w), new ParamGroup.Entry("b", b)), 2.0, 0.5)));
        w.setGrad(Tensor.of(new float[] {-1.5f, 0f}, 1, 2));  // dp = g + 0.5·w = (0, 2), ‖dp‖ = 2
        b.setGrad(Tensor.of(new float[] {0.25f, -0.5f}, 2));
        opt.step();
        // q = 0.001·5/2 = 0.0025 → dp = (0, 0.005); mu = dp; w -= 2·mu
        assertEquals(3f, w.get(0, 0), 1e-6);
        assertEquals(4f - 0.01f, w.get(0, 1), 1e-6);
        assertEquals(1f - 0.5f, b.get(0), 1e-6);
        assertEquals(1f + 1f, b.get(1), 1e-6);

        // second step: momentum accumulates; a zero update norm gives trust 1.
        w.setGrad(Tensor.of(new float[] {-1.5f, -0.5f * w.get(0, 1)}, 1, 2));  // dp = 0 → q = 1
        b.zeroGrad();
        float muW = 0.9f * 0.005f;
        float expected = w.get(0, 1) - 2f * muW;
        opt.step();
        assertEquals(3f, w.get(0, 0), 1e-6);
        assertEquals(expected, w.get(0, 1), 1e-6);
        assertEquals(0.5f, b.get(0), 0f, "skipped without a gradient");
    }

    @Test void larsZeroParameterNormGivesTrustOne() {
        Tensor w = Tensor.zeros(2, 1);
        Lars opt = new Lars(List.of(ParamGroup.of(Map.of("w", w), 1.0, 0.1)));
        w.setGrad(Tensor.of(new float[] {1f, -2f}, 2, 1));
        opt.step();
        assertArrayEquals(new float[] {-1f, 2f}, w.toArray(), 0f);
    }

    @Test void decaySplitFollowsSpecRule() {
        Map<String, Tensor> ps = new java.util.LinkedHashMap<>();
        ps.put("cls_token", Tensor.zeros(1, 1, 4));
        ps.put("blocks.0.norm1.weight", Tensor.zeros(4));
        ps.put("blocks.0.attn.qkv.weight", Tensor.zeros(12, 4));
        ps.put("blocks.0.attn.qkv.bias", Tensor.zeros(12));
        ps.put("head.last_layer.weight_g", Tensor.zeros(8, 1));
        ps.put("odd.bias", Tensor.zeros(2, 2));
        List<ParamGroup> gs = ParamGroups.decayAndNoDecay(ps, 0.5, 0.04);
        assertEquals(List.of("cls_token", "blocks.0.attn.qkv.weight", "head.last_layer.weight_g"),
                gs.get(0).params().stream().map(ParamGroup.Entry::name).toList());
        assertEquals(List.of("blocks.0.norm1.weight", "blocks.0.attn.qkv.bias", "odd.bias"),
                gs.get(1).params().stream().map(ParamGroup.Entry::name).toList());
        assertEquals(0.04, gs.get(0).weightDecay());
        assertEquals(0.0, gs.get(1).weightDecay());
        assertEquals(0.5, gs.get(1).lr());
    }
}
