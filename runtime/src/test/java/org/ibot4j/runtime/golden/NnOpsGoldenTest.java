package org.ibot4j.runtime.golden;

import java.util.Map;
import org.ibot4j.runtime.ops.Attention;
import org.ibot4j.runtime.ops.CrossEntropy;
import org.ibot4j.runtime.ops.Gelu;
import org.ibot4j.runtime.ops.LayerNormOp;
import org.ibot4j.runtime.ops.Linear;
import org.ibot4j.runtime.ops.Normalize;
import org.ibot4j.runtime.ops.PatchConv;
import org.junit.jupiter.api.Test;

/** The network ops (linear, patch conv, softmaxes, norms, GELU, losses, attention) against PyTorch. */
class NnOpsGoldenTest {
    @Test void linear() { OpGolden.check("linear", in -> Linear.linear(in.get("x"), in.get("weight"), in.get("bias"))); }

    @Test void linearNoBias() { OpGolden.check("linear_nobias", in -> Linear.linear(in.get("x"), in.get("weight"), null)); }

    @Test void patchConv() {
        OpGolden.check("conv_patch", in -> PatchConv.conv2dPatch(in.get("x"), in.get("weight"), in.get("bias")));
    }

    @Test void patchConvDropsTrailingPixels() {
        OpGolden.check("conv_patch_trailing", in -> PatchConv.conv2dPatch(in.get("x"), in.get("weight"), in.get("bias")));
    }

    @Test void softmaxLastDim() { OpGolden.check("softmax_last", in -> in.get("x").softmax(-1)); }

    @Test void softmaxMiddleDim() { OpGolden.check("softmax_mid", in -> in.get("x").softmax(1)); }

    @Test void logSoftmaxLastDim() { OpGolden.check("log_softmax_last", in -> in.get("x").logSoftmax(-1)); }

    @Test void logSoftmaxMiddleDim() { OpGolden.check("log_softmax_mid", in -> in.get("x").logSoftmax(1)); }

    @Test void layerNorm() {
        OpGolden.check("layer_norm", in -> LayerNormOp.layerNorm(in.get("x"), in.get("weight"), in.get("bias"), 1e-6f));
    }

    @Test void geluExact() { OpGolden.check("gelu", in -> Gelu.gelu(in.get("x"))); }

    @Test void l2Normalize() { OpGolden.check("normalize", in -> Normalize.l2Normalize(in.get("x"), -1, 1e-12f)); }

    @Test void weightNorm() { OpGolden.check("weight_norm", in -> Normalize.weightNorm(in.get("g"), in.get("v"))); }

    @Test void softTargetCrossEntropy() {
        OpGolden.check("soft_cross_entropy", in -> CrossEntropy.softTargetCrossEntropy(in.get("logits"), in.get("targets"), -1));
    }

    @Test void scaledDotProductAttention() {
        float scale = (float) FixtureReader.torch("attention").metaDouble("scale");
        OpGolden.checkMulti("attention", Tol.OP, in -> {
            Attention.Result r = Attention.scaledDotProduct(in.get("q"), in.get("k"), in.get("v"), scale);
            return Map.of("out", r.output(), "probs", r.probs());
        });
    }
}
