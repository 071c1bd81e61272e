package org.ibot4j.runtime.golden;

import java.util.Map;
import org.ibot4j.runtime.ops.Attention;
import org.ibot4j.runtime.ops.Gelu;
import org.ibot4j.runtime.ops.LayerNormOp;
import org.ibot4j.runtime.ops.Linear;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The timm/DINO pre-norm ViT block written directly with ibot4j ops, as a test-side composition that is
 * independent of {@code nn.Block}: {@code x + proj(attn(norm1(x)))}, then {@code x + fc2(gelu(fc1(norm2(x))))},
 * LayerNorm eps 1e-6, qkv rows laid out [q; k; v] each split into heads, scale head_dim^-0.5.
 */
final class OpsBlock {
    private OpsBlock() {}

    /** Block output and the attention probabilities [B, heads, N, N]. */
    record Out(Tensor out, Tensor attn) {}

    /** {@code params} by state-dict name under {@code prefix} (e.g. "blocks.0."). */
    static Out forward(Map<String, Tensor> params, String prefix, Tensor x, int heads) {
        int b = x.dim(0), n = x.dim(1), c = x.dim(2), dh = c / heads;
        Tensor h = LayerNormOp.layerNorm(x, params.get(prefix + "norm1.weight"), params.get(prefix + "norm1.bias"), 1e-6f);
        Tensor qkv = Linear.linear(h, params.get(prefix + "attn.qkv.weight"), params.get(prefix + "attn.qkv.bias"))
                .reshape(b, n, 3, heads, dh).permute(2, 0, 3, 1, 4);
        Attention.Result r = Attention.scaledDotProduct(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2),
                (float) Math.pow(dh, -0.5));
        Tensor a = r.output().transpose(1, 2).reshape(b, n, c);
        x = x.add(Linear.linear(a, params.get(prefix + "attn.proj.weight"), params.get(prefix + "attn.proj.bias")));
        Tensor m = LayerNormOp.layerNorm(x, params.get(prefix + "norm2.weight"), params.get(prefix + "norm2.bias"), 1e-6f);
        m = Gelu.gelu(Linear.linear(m, params.get(prefix + "mlp.fc1.weight"), params.get(prefix + "mlp.fc1.bias")));
        m = Linear.linear(m, params.get(prefix + "mlp.fc2.weight"), params.get(prefix + "mlp.fc2.bias"));
        return new Out(x.add(m), r.probs());
    }
}
