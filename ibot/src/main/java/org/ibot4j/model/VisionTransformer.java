package org.ibot4j.model;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.runtime.nn.Block;
import org.ibot4j.runtime.nn.Init;
import org.ibot4j.runtime.nn.LayerNorm;
import org.ibot4j.runtime.nn.Linear;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.ModuleList;
import org.ibot4j.runtime.nn.Parameter;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The pre-norm Vision Transformer backbone of iBOT (spec 4.1; DINO/timm style, no classifier head).
 *
 * <p>State-dict keys and shapes are exactly the reference's (spec 8.2), in the same order: {@code cls_token
 * [1,1,D]}, {@code pos_embed [1,1+s²,D]}, {@code masked_embed [1,D]} (only with the mask token),
 * {@code patch_embed.proj.{weight,bias}}, {@code blocks.i.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}.*},
 * {@code norm.{weight,bias}}.
 *
 * <p>Forward: patch embedding; mask injection (masked cells replaced by {@code masked_embed}, before position
 * embeddings, and the patch embedding gets no gradient there); row-major flattening; CLS prepended; position
 * embeddings added (resampled per {@link PosEmbed} when the grid differs from the table's); blocks with the
 * linear drop-path schedule; final norm on all tokens.
 *
 * <p>Masks (spec 11.11): like the reference, a model with the mask token applies a given mask only while
 * masked image modelling is on ({@link #setMaskedImModeling}, on by default), and ignores it when switched off
 * (the reference does that for local crops). A model built without the mask token has nothing to inject and
 * rejects a mask with an error rather than silently ignoring it, since that is always a wiring mistake here.
 */
public final class VisionTransformer extends Backbone {
    private final VitConfig config;
    private final Parameter clsToken, posEmbed, maskedEmbed;
    private final PatchEmbed patchEmbed;
    private final ModuleList<Block> blocks;
    private final LayerNorm norm;
    private boolean maskedImModeling;

    /** A model with the reference init drawn from {@code rng} (same seed → same weights). */
    public VisionTransformer(VitConfig config, Rng rng) { this(config, rng, true); }

    /**
     * A model whose weights are about to be overwritten by a strict checkpoint load: skips the truncated-normal
     * init pass (about 10 s for ViT-B on two cores), leaving the layers' cheap default init.
     */
    public static VisionTransformer forLoading(VitConfig config) { return new VisionTransformer(config, new Rng(0), false); }

    private VisionTransformer(VitConfig config, Rng rng, boolean referenceInit) {
        this.config = config;
        int d = config.embedDim();
        // Registration order gives the reference state-dict order: own parameters first, then children.
        this.clsToken = registerParameter("cls_token", Tensor.zeros(1, 1, d));
        this.posEmbed = registerParameter("pos_embed", Tensor.zeros(1, 1 + config.numPatches(), d));
        this.maskedEmbed = config.useMaskToken() ? registerParameter("masked_embed", Tensor.zeros(1, d)) : null;
        this.patchEmbed = registerModule("patch_embed", new PatchEmbed(config.inChans(), d, config.patchSize(), rng));
        this.blocks = registerModule("blocks", new ModuleList<>());
        for (int i = 0; i < config.depth(); i++)
            blocks.add(new Block(d, config.numHeads(), config.mlpRatio(), config.qkvBias(), 0f, 0f, config.dropPathAt(i), config.eps(), rng));
        this.norm = registerModule("norm", new LayerNorm(d, config.eps()));
        this.maskedImModeling = config.useMaskToken();
        if (referenceInit) initWeights(rng.split());
    }

    /**
     * Spec 4.1 init: {@code pos_embed} and {@code cls_token} truncated normal (std 0.02), every Linear weight
     * truncated normal (std 0.02) with zero bias, LayerNorms 1/0; the patch conv keeps its default init and
     * {@code masked_embed} stays zero.
     */
    private void initWeights(Rng rng) {
        Init.truncNormal(posEmbed.tensor(), 0.02, rng);
        Init.truncNormal(clsToken.tensor(), 0.02, rng);
        for (Module m : namedModules().values()) {
            if (m instanceof Linear l) l.initTruncNormal(0.02, rng);
            else if (m instanceof LayerNorm ln) { Init.ones(ln.weight().tensor()); Init.zeros(ln.bias().tensor()); }
        }
    }

    // ---------------------------------------------------------------- forward

    /**
     * Forward with an optional mask {@code [N, H/p, W/p]} (nonzero = masked; see the class note on masks);
     * {@code returnAttention} also returns the last block's attention probabilities {@code [N, heads, 1+P, 1+P]}.
     */
    @Override public Output forward(Tensor x, Tensor mask, boolean returnAttention) {
        Tensor t = prepareTokens(x, mask);
        Tensor attn = null;
        for (int i = 0; i < blocks.size(); i++) {
            boolean last = i == blocks.size() - 1;
            var o = blocks.get(i).forward(t, returnAttention && last);
            t = o.x();
            if (last) attn = o.attn();
        }
        Tensor all = norm.forward(t);
        return new Output(all, all.select(1, 0), attn);
    }

    /**
     * Tokens entering the first block: {@code [N, 1+P, D]} = [CLS; patches (masked cells replaced)] +
     * position embeddings ({@code P = (H/p)·(W/p)}, sizes floored like PyTorch's conv).
     */
    public Tensor prepareTokens(Tensor x, Tensor mask) {
        int n = x.rank() > 0 ? x.dim(0) : 0;
        Tensor pe = patchEmbed.forward(x);                         // [N, D, gh, gw]
        int d = config.embedDim(), gh = pe.dim(2), gw = pe.dim(3), p = gh * gw;
        Tensor tokens = pe.flatten(2, 3).transpose(1, 2);          // [N, P, D], row-major over the grid
        if (mask != null) {
            if (maskedEmbed == null)
                throw new IllegalArgumentException("this ViT was built without a mask token (useMaskToken=false) and cannot apply a mask");
            if (maskedImModeling) {
                if (mask.rank() != 3 || mask.dim(0) != n || mask.dim(1) != gh || mask.dim(2) != gw)
                    throw new IllegalArgumentException("mask must be [N, H/p, W/p] = [" + n + ", " + gh + ", " + gw + "], got " + mask.shape());
                tokens = Tensor.where(mask.reshape(n, p, 1), maskedEmbed.tensor().reshape(1, 1, d), tokens);
            }
        }
        Tensor cls = clsToken.tensor().expand(n, 1, d);
        Tensor t = Tensor.concat(List.of(cls, tokens), 1);
        return t.add(positionEmbedding(gh, gw, x.dim(2), x.dim(3)));
    }

    /** The position table for a {@code gh×gw} grid from an {@code imgH×imgW} image: as stored, or resampled (spec 4.1.1). */
    public Tensor positionEmbedding(int gh, int gw, int imgH, int imgW) {
        Tensor pos = posEmbed.tensor();
        return PosEmbed.needsResize(config.numPatches(), gh, gw, imgH, imgW) ? PosEmbed.resize(pos, gh, gw) : pos;
    }

    /** Outputs of the last {@code n} blocks, each through the final norm, in block order (spec 4.1.2; no mask). */
    @Override public List<Tensor> intermediateLayers(Tensor x, int n) {
        if (n <= 0 || n > blocks.size())
            throw new IllegalArgumentException("can take the last 1.." + blocks.size() + " blocks, asked for " + n);
        Tensor t = prepareTokens(x, null);
        List<Tensor> out = new ArrayList<>(n);
        for (int i = 0; i < blocks.size(); i++) {
            t = blocks.get(i).forward(t);
            if (blocks.size() - i <= n) out.add(norm.forward(t));
        }
        return out;
    }

    /** Attention probabilities of the last block, {@code [N, heads, 1+P, 1+P]} (spec 4.1.2; no mask). */
    @Override public Tensor lastSelfAttention(Tensor x) {
        Tensor t = prepareTokens(x, null);
        for (int i = 0; i < blocks.size() - 1; i++) t = blocks.get(i).forward(t);
        return blocks.get(blocks.size() - 1).forward(t, true).attn();
    }

    // ---------------------------------------------------------------- masked image modelling switch

    /** Turns mask application on or off (the reference's {@code masked_im_modeling}); needs the mask token to turn on. */
    @Override public VisionTransformer setMaskedImModeling(boolean on) {
        if (on && maskedEmbed == null)
            throw new IllegalStateException("masked image modelling needs a model built with the mask token (useMaskToken=true)");
        this.maskedImModeling = on;
        return this;
    }

    public boolean maskedImModeling() { return maskedImModeling; }

    // ---------------------------------------------------------------- parts

    public VitConfig config() { return config; }

    public Parameter clsToken() { return clsToken; }

    public Parameter posEmbed() { return posEmbed; }

    /** {@code masked_embed [1, D]}, or null when built without the mask token. */
    @Override public Parameter maskedEmbed() { return maskedEmbed; }

    public PatchEmbed patchEmbed() { return patchEmbed; }

    public ModuleList<Block> blocks() { return blocks; }

    public LayerNorm norm() { return norm; }

    @Override public int embedDim() { return config.embedDim(); }

    @Override public int numHeads() { return config.numHeads(); }

    @Override public int patchSize() { return config.patchSize(); }

    @Override public int tokenStride() { return config.patchSize(); }

    @Override public int depth() { return config.depth(); }

    @Override public int imgSize() { return config.imgSize(); }

    @Override public String describe() {
        return "ViT (dim " + config.embedDim() + ", depth " + config.depth() + ", heads " + config.numHeads()
                + ", patch " + config.patchSize() + ", img " + config.imgSize() + ")";
    }
}
