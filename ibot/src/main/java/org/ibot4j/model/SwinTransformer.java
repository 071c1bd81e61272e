package org.ibot4j.model;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.runtime.autograd.GradMode;
import org.ibot4j.runtime.nn.Init;
import org.ibot4j.runtime.nn.LayerNorm;
import org.ibot4j.runtime.nn.Linear;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.ModuleList;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The Swin Transformer backbone of iBOT (spec 4.2), returning all tokens for the patch loss.
 *
 * <p>State-dict keys and shapes are the reference's (spec 8.3): {@code patch_embed.{proj,norm}.*},
 * {@code layers.s.blocks.b.{norm1, attn.relative_position_bias_table, attn.relative_position_index, attn.qkv,
 * attn.proj, norm2, mlp.fc1, mlp.fc2}.*}, {@code layers.s.downsample.{norm,reduction}.*}, {@code norm.*}, and
 * {@code masked_embed [1, C]} when built with the mask token.
 *
 * <p>Forward: patch embedding + LayerNorm; mask injection on the normalised embeddings (the mask grid repeated
 * {@code tokenStride/patch} times per side); stages of (shifted) window attention with patch merging between;
 * final LayerNorm; the pseudo-CLS is the mean of the normalised final tokens, and the output is
 * {@code concat(mean, tokens) [N, 1+P, D]}. Windows and shifts are fixed from {@code imgSize}; smaller inputs
 * are padded up to the window per block. As in the reference (spec 11.11), any given mask is applied: the
 * masked-image-modelling switch only records the setting.
 */
public final class SwinTransformer extends Backbone {
    private final SwinConfig config;
    private final SwinPatchEmbed patchEmbed;
    private final ModuleList<SwinStage> layers;
    private final LayerNorm norm;
    private final Parameter maskedEmbed;
    private boolean maskedImModeling;

    /** A model with the reference init drawn from {@code rng}. */
    public SwinTransformer(SwinConfig config, Rng rng) { this(config, rng, true); }

    /** A model whose weights are about to come from a strict checkpoint load (skips the truncated-normal init pass). */
    public static SwinTransformer forLoading(SwinConfig config) { return new SwinTransformer(config, new Rng(0), false); }

    private SwinTransformer(SwinConfig config, Rng rng, boolean referenceInit) {
        this.config = config;
        this.patchEmbed = registerModule("patch_embed", new SwinPatchEmbed(config.inChans(), config.embedDim(), config.patchSize(), config.eps(), rng));
        this.layers = registerModule("layers", new ModuleList<>());
        int first = 0;
        for (int s = 0; s < config.numStages(); s++) {
            layers.add(new SwinStage(config, s, first, rng));
            first += config.depths().get(s);
        }
        this.norm = registerModule("norm", new LayerNorm(config.numFeatures(), config.eps()));
        this.maskedEmbed = config.useMaskToken() ? registerParameter("masked_embed", Tensor.zeros(1, config.embedDim())) : null;
        this.maskedImModeling = config.useMaskToken();
        if (referenceInit) initWeights(rng.split());
    }

    /** Spec 4.2 init: Linear weights and bias tables trunc-normal 0.02, biases 0, LayerNorms 1/0, conv default, mask token 0. */
    private void initWeights(Rng rng) {
        for (Module m : namedModules().values()) {
            if (m instanceof WindowAttention a) Init.truncNormal(a.relativePositionBiasTable().tensor(), 0.02, rng);
            else if (m instanceof Linear l) l.initTruncNormal(0.02, rng);
            else if (m instanceof LayerNorm ln) { Init.ones(ln.weight().tensor()); Init.zeros(ln.bias().tensor()); }
        }
    }

    // ---------------------------------------------------------------- forward

    @Override public Output forward(Tensor x, Tensor mask, boolean returnAttention) {
        Grid g = embed(x, mask);
        Tensor t = g.x;
        int h = g.h, w = g.w;
        Tensor attn = null;
        for (int s = 0; s < layers.size(); s++) {
            SwinStage stage = layers.get(s);
            for (int b = 0; b < stage.blocks().size(); b++) {
                boolean last = s == layers.size() - 1 && b == stage.blocks().size() - 1;
                SwinBlock.Output o = stage.blocks().get(b).forward(t, h, w, returnAttention && last);
                t = o.x();
                if (last) attn = o.attn();
            }
            if (stage.downsample() != null) {
                t = stage.downsample().forward(t, h, w);
                h = (h + 1) / 2;
                w = (w + 1) / 2;
            }
        }
        Tensor all = withMean(norm.forward(t));
        return new Output(all, all.select(1, 0), attn);
    }

    private record Grid(Tensor x, int h, int w) {}

    /** Normalised patch tokens with masked cells replaced by {@code masked_embed}. */
    private Grid embed(Tensor x, Tensor mask) {
        SwinPatchEmbed.Tokens tok = patchEmbed.forward(x);
        Tensor t = tok.x();
        if (mask != null) {
            if (maskedEmbed == null)
                throw new IllegalArgumentException("this Swin was built without a mask token (useMaskToken=false) and cannot apply a mask");
            t = Tensor.where(patchMask(mask, x.dim(0), tok.gh(), tok.gw()), maskedEmbed.tensor().reshape(1, 1, config.embedDim()), t);
        }
        return new Grid(t, tok.gh(), tok.gw());
    }

    /** The mask {@code [N, gh/r, gw/r]} repeated {@code r = tokenStride/patch} times per side → {@code [N, gh·gw, 1]}. */
    Tensor patchMask(Tensor mask, int n, int gh, int gw) {
        int r = config.tokenStride() / config.patchSize();
        if (mask.rank() != 3 || mask.dim(0) != n || mask.dim(1) * r != gh || mask.dim(2) * r != gw)
            throw new IllegalArgumentException("mask must be [N, H/" + config.tokenStride() + ", W/" + config.tokenStride() + "] = [" + n + ", "
                    + (gh / r) + ", " + (gw / r) + "] for this " + gh + "x" + gw + " patch grid, got " + mask.shape());
        int mh = mask.dim(1), mw = mask.dim(2);
        if (mask.device() != org.ibot4j.runtime.tensor.Device.CPU)  // on the device: a broadcast view made dense, no copy back
            return mask.reshape(n, mh, 1, mw, 1).expand(n, mh, r, mw, r).reshape(n, gh * gw, 1);
        float[] m = mask.contiguous().toArray(), out = new float[n * gh * gw];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < gh; y++)
                for (int xx = 0; xx < gw; xx++) out[(i * gh + y) * gw + xx] = m[(i * mh + y / r) * mw + xx / r];
        return Tensor.of(out, n, gh * gw, 1);
    }

    /** {@code tokens [N, P, D]} → {@code concat(mean over tokens, tokens) [N, 1+P, D]}. */
    private static Tensor withMean(Tensor tokens) {
        return Tensor.concat(List.of(tokens.mean(1, true), tokens), 1);
    }

    /**
     * For each of the last {@code n} blocks counted over all stages, {@code concat(mean, tokens)} of its output;
     * only last-stage blocks pass through the final norm (spec 4.2, 11.13; no mask).
     */
    @Override public List<Tensor> intermediateLayers(Tensor x, int n) {
        int total = config.totalDepth();
        if (n <= 0 || n > total) throw new IllegalArgumentException("can take the last 1.." + total + " blocks, asked for " + n);
        Grid g = embed(x, null);
        Tensor t = g.x;
        int h = g.h, w = g.w, idx = 0;
        List<Tensor> out = new ArrayList<>(n);
        for (int s = 0; s < layers.size(); s++) {
            SwinStage stage = layers.get(s);
            boolean lastStage = s == layers.size() - 1;
            for (SwinBlock blk : stage.blocks()) {
                t = blk.forward(t, h, w, false).x();
                if (total - idx++ <= n) out.add(withMean(lastStage ? norm.forward(t) : t));
            }
            if (stage.downsample() != null) {
                t = stage.downsample().forward(t, h, w);
                h = (h + 1) / 2;
                w = (w + 1) / 2;
            }
        }
        return out;
    }

    /** Window attention probabilities of the last block, {@code [N·windows, heads, w², w²]} (no mask). */
    @Override public Tensor lastSelfAttention(Tensor x) {
        try (var ng = GradMode.noGrad()) { return forward(x, null, true).attention(); }
    }

    // ---------------------------------------------------------------- switch and parts

    /** Records the masked-image-modelling setting; needs the mask token to turn on. Swin applies any mask it is given. */
    @Override public SwinTransformer setMaskedImModeling(boolean on) {
        if (on && maskedEmbed == null)
            throw new IllegalStateException("masked image modelling needs a model built with the mask token (useMaskToken=true)");
        this.maskedImModeling = on;
        return this;
    }

    public boolean maskedImModeling() { return maskedImModeling; }

    public SwinConfig config() { return config; }

    public SwinPatchEmbed patchEmbed() { return patchEmbed; }

    public ModuleList<SwinStage> layers() { return layers; }

    public LayerNorm norm() { return norm; }

    @Override public Parameter maskedEmbed() { return maskedEmbed; }

    @Override public int embedDim() { return config.numFeatures(); }

    @Override public int numHeads() { return config.heads().get(config.numStages() - 1); }

    @Override public int patchSize() { return config.patchSize(); }

    @Override public int tokenStride() { return config.tokenStride(); }

    @Override public int depth() { return config.totalDepth(); }

    @Override public int imgSize() { return config.imgSize(); }

    @Override public String describe() {
        return "Swin (dim " + config.embedDim() + ", depths " + config.depths() + ", heads " + config.heads() + ", window "
                + config.windowSize() + ", patch " + config.patchSize() + ", img " + config.imgSize() + ")";
    }
}
