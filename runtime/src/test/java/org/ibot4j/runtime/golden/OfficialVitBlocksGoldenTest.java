package org.ibot4j.runtime.golden;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.nn.Block;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Blocks 0 and 1 of the official iBOT ViT ("vit_micro": dim 64, 4 heads, weights perturbed so attention is
 * peaky) on its prepared tokens, against the official block outputs (fixtures/official/vit_micro, a subset of
 * /work/shared/fixtures/official/vit_micro), both with {@code nn.Block} loaded from the state dict and with the
 * ops composition {@link OpsBlock}. Tolerance {@link Tol#COMPOSITE}.
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

    private static Block loadBlock(Map<String, Tensor> state, int index) {
        Block block = new Block(64, 4, new Rng(index));
        block.eval();
        String prefix = "blocks." + index + ".";
        Map<String, Tensor> own = new LinkedHashMap<>();
        state.forEach((k, v) -> { if (k.startsWith(prefix)) own.put(k.substring(prefix.length()), v); });
        block.loadStateDict(own, true);
        return block;
    }

    @Test void nnBlocksMatchOfficial() {
        Map<String, Tensor> p = state();
        Block b0 = loadBlock(p, 0), b1 = loadBlock(p, 1);
        Tensor y0 = b0.forward(F.tensor("prepared_tokens"));
        GoldenAssert.assertClose("official nn-block0 out", F.tensor("block_out/0"), y0, Tol.COMPOSITE);
        Tensor y1 = b1.forward(F.tensor("block_out/0"));
        GoldenAssert.assertClose("official nn-block1 out (from official block0)", F.tensor("block_out/1"), y1, Tol.COMPOSITE);
        GoldenAssert.assertClose("official nn-block1 out (chained)", F.tensor("block_out/1"), b1.forward(y0), Tol.COMPOSITE);
    }
}
