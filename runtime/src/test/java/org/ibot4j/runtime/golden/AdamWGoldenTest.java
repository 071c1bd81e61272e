package org.ibot4j.runtime.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.optim.AdamW;
import org.ibot4j.runtime.optim.ParamGroup;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Two {@code torch.optim.AdamW} steps (lr 1e-3, wd 0.05 / 0, betas (0.9, 0.999), eps 1e-8) on a weight, a
 * no-decay bias and a parameter that has no gradient in step 2 (it must stay bit-identical).
 */
class AdamWGoldenTest {
    @Test void twoStepsMatchPyTorch() {
        Fixture f = FixtureReader.torch("adamw");
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (String n : List.of("w", "frozen2", "b")) p.put(n, f.tensor("init/" + n));
        double lr = f.metaDouble("lr"), wd = f.metaDouble("weight_decay");
        var decay = ParamGroup.of(Map.of("w", p.get("w"), "frozen2", p.get("frozen2")), lr, wd);
        var noDecay = ParamGroup.of(Map.of("b", p.get("b")), lr, 0.0);
        AdamW opt = new AdamW(List.of(decay, noDecay), 0.9, 0.999, 1e-8);
        for (int step = 1; step <= 2; step++) {
            opt.zeroGrad();
            for (String n : p.keySet()) if (f.has("grad" + step + "/" + n)) p.get(n).setGrad(f.tensor("grad" + step + "/" + n));
            float[] frozenBefore = p.get("frozen2").toArray();
            opt.step();
            for (String n : p.keySet())
                GoldenAssert.assertClose("adamw step" + step + " " + n, f.tensor("step" + step + "/" + n), p.get(n), Tol.OP);
            if (step == 2) assertArrayEquals(frozenBefore, p.get("frozen2").toArray(), "a parameter without gradient must not move");
        }
    }
}
