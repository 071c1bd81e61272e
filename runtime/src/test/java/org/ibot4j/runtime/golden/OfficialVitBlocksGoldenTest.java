package org.ibot4j.runtime.golden;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Blocks 0 and 1 of the official iBOT ViT ("vit_micro": dim 64, 4 heads, weights perturbed so attention is
 * peaky) on its prepared tokens, against the official block outputs (fixtures/official/vit_micro, a subset of
 * /work/shared/fixtures/official/vit_micro). Tolerance {@link Tol#COMPOSITE}.
 */
class OfficialVitBlocksGoldenTest {
    private static final Fixture F = FixtureReader.official("vit_micro");

    static Map<String, Tensor> state() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (String k : F.keys()) if (k.startsWith("state/")) p.put(k.substring("state/".length()), F.tensor(k));
        return p;
    }

    @Test void opsComposedBlocksMatchOfficial() {
        Map<String, Tensor> p = state();
        Tensor x0 = F.tensor("prepared_tokens");
        Tensor y0 = OpsBlock.forward(p, "blocks.0.", x0, 4).out();
        GoldenAssert.assertClose("official ops-block0 out", F.tensor("block_out/0"), y0, Tol.COMPOSITE);
        Tensor y1 = OpsBlock.forward(p, "blocks.1.", F.tensor("block_out/0"), 4).out();
        GoldenAssert.assertClose("official ops-block1 out (from official block0)", F.tensor("block_out/1"), y1, Tol.COMPOSITE);
        Tensor chained = OpsBlock.forward(p, "blocks.1.", y0, 4).out();
        GoldenAssert.assertClose("official ops-block1 out (chained)", F.tensor("block_out/1"), chained, Tol.COMPOSITE);
    }
}
