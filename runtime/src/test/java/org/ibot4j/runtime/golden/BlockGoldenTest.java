package org.ibot4j.runtime.golden;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ibot4j.runtime.backend.Backend;
import org.ibot4j.runtime.backend.Backends;
import org.ibot4j.runtime.nn.Attention;
import org.ibot4j.runtime.nn.Block;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A pre-norm ViT block (dim 64, 4 heads, qkv bias, LN eps 1e-6, exact GELU, mlp ratio 4) with non-trivial
 * weights against PyTorch: output, last attention probabilities, and the gradients of the input and of every
 * parameter for a fixed upstream gradient. Checked twice on each backend: {@code nn.Block} loaded from the
 * PyTorch state dict, and the same block composed from ops ({@link OpsBlock}). Tolerance {@link Tol#COMPOSITE}.
 */
class BlockGoldenTest {
    private static final Fixture F = FixtureReader.torch("vit_block");

    static Map<String, Tensor> params() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (String n : F.metaStrings("params")) p.put(n, F.tensor("param/" + n).requiresGrad(true));
        return p;
    }

    private static void checkOpsBlock(String label, Backend backend) {
        Backends.with(backend, () -> {
            Map<String, Tensor> p = params();
            Tensor x = F.tensor("x").requiresGrad(true);
            OpsBlock.Out r = OpsBlock.forward(p, "", x, F.metaNode("num_heads").asInt());
            String tag = "vit_block ops[" + label + "] ";
            GoldenAssert.assertClose(tag + "out", F.tensor("out"), r.out(), Tol.COMPOSITE);
            GoldenAssert.assertClose(tag + "attn", F.tensor("attn"), r.attn(), Tol.COMPOSITE);
            r.out().backward(F.tensor("gout"));
            GoldenAssert.assertClose(tag + "grad_x", F.tensor("grad_x"), x.grad(), Tol.COMPOSITE);
            for (var e : p.entrySet())
                GoldenAssert.assertClose(tag + "grad " + e.getKey(), F.tensor("grad/" + e.getKey()), e.getValue().grad(), Tol.COMPOSITE);
            return null;
        });
    }

    private static void checkNnBlock(String label, Backend backend) {
        Backends.with(backend, () -> {
            Block block = new Block(64, F.metaNode("num_heads").asInt(), new Rng(1));
            block.eval();
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (String n : F.metaStrings("params")) state.put(n, F.tensor("param/" + n));
            block.loadStateDict(state, true);
            Tensor x = F.tensor("x").requiresGrad(true);
            Attention.Output r = block.forward(x, true);
            String tag = "vit_block nn[" + label + "] ";
            GoldenAssert.assertClose(tag + "out", F.tensor("out"), r.x(), Tol.COMPOSITE);
            GoldenAssert.assertClose(tag + "attn", F.tensor("attn"), r.attn(), Tol.COMPOSITE);
            r.x().backward(F.tensor("gout"));
            GoldenAssert.assertClose(tag + "grad_x", F.tensor("grad_x"), x.grad(), Tol.COMPOSITE);
            var named = block.namedParameters();
            for (String n : F.metaStrings("params"))
                GoldenAssert.assertClose(tag + "grad " + n, F.tensor("grad/" + n), named.get(n).grad(), Tol.COMPOSITE);
            return null;
        });
    }

    @Test void nnBlockVector() { checkNnBlock("vector", Backends.current()); }

    @Test void nnBlockScalar() { checkNnBlock("scalar", Backends.reference()); }

    @Test void opsComposedBlockVector() { checkOpsBlock("vector", Backends.current()); }

    @Test void opsComposedBlockScalar() { checkOpsBlock("scalar", Backends.reference()); }
}
