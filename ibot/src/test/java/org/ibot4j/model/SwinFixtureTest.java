package org.ibot4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Swin forward pass and every gradient against a small PyTorch Swin written from the spec
 * ({@code tools/make_swin_fixtures.py}): shifted windows, bias tables, the −100 shift mask, padding of a local
 * crop up to the window, patch merging, the pseudo-CLS mean and mask-token injection on the repeated mask grid.
 */
class SwinFixtureTest {
    private static final double TOL = 2e-5;

    @ParameterizedTest
    @ValueSource(strings = {"w4_global", "w4_global_masked", "w4_local", "w2_three_stages_masked"})
    void forwardAndGradientsMatchPyTorch(String name) {
        SwinFixture f = SwinFixture.load(name);
        SwinTransformer model = SwinTransformer.forLoading(f.config());
        BackboneWeights.Report r = BackboneWeights.load(model, f.group("state"), null);
        assertTrue(r.clean(), r.describe());
        model.eval();
        Tensor x = f.tensor("x").requiresGrad(true);
        Tensor mask = f.has("mask") ? f.tensor("mask") : null;
        Backbone.Output out = model.forward(x, mask, false);
        Close.assertClose(name + " out", f.tensor("out"), out.allTokens(), TOL);
        Close.assertClose(name + " cls", f.tensor("out").select(1, 0), out.cls(), TOL);
        out.allTokens().mul(f.tensor("gout")).sum().backward();
        Close.assertClose(name + " grad_x", f.tensor("grad_x"), x.grad(), TOL);
        Map<String, Tensor> grads = f.group("grad");
        int checked = 0;
        for (var e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            Tensor expected = grads.get(e.getKey());
            if (expected == null) {   // torch had no gradient (the unused mask token of an unmasked pass)
                assertTrue(p.tensor().grad() == null || maxAbs(p.tensor().grad()) == 0, e.getKey() + " got a gradient torch did not");
                continue;
            }
            Close.assertClose(name + " grad " + e.getKey(), expected, p.tensor().grad(), TOL);
            checked++;
        }
        assertEquals(grads.size(), checked, "every torch gradient was compared");
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.toArray()) m = Math.max(m, Math.abs(v));
        return m;
    }
}
