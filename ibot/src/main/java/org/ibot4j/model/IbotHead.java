package org.ibot4j.model;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.runtime.nn.Gelu;
import org.ibot4j.runtime.nn.Init;
import org.ibot4j.runtime.nn.Layer;
import org.ibot4j.runtime.nn.LayerNorm;
import org.ibot4j.runtime.nn.Linear;
import org.ibot4j.runtime.nn.Module;
import org.ibot4j.runtime.nn.Sequential;
import org.ibot4j.runtime.nn.WeightNormLinear;
import org.ibot4j.runtime.ops.F;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The iBOT projection head (spec 5.1): a shared MLP ({@code mlp.0}, {@code mlp.2}, {@code mlp.4} for 3 layers;
 * {@code 0,3,6} with a norm), L2 normalisation of the bottleneck, then the weight-normalised
 * {@code last_layer} (CLS, {@code K} logits) and {@code last_layer2} (patches, {@code Kp} logits).
 *
 * <p>With {@code sharedHead} the very same module is registered as {@code last_layer} and {@code last_layer2}:
 * the state dict then lists both key sets (like the reference's) while the parameter list holds it once.
 *
 * <p>Init as the reference: MLP Linears truncated normal (std 0.02) with zero bias; the last layers keep the
 * default Linear init for {@code v} and get {@code g = 1}, frozen when {@code normLastLayer}.
 */
public final class IbotHead extends Module {
    /** Logits for CLS {@code [N, K]} and for the patch tokens {@code [N, P, Kp]} (null on the CLS-only path). */
    public record Output(Tensor cls, Tensor patch) {}

    private static final float NORMALIZE_EPS = 1e-12f;

    private final HeadConfig config;
    private final Layer mlp;
    private final WeightNormLinear lastLayer, lastLayer2;

    /** A freshly initialised head; weights drawn from {@code rng}. */
    public IbotHead(HeadConfig config, Rng rng) {
        this.config = config;
        this.mlp = registerModule("mlp", buildMlp(config, rng));
        Rng init = rng.split();
        for (Module m : mlp.namedModules().values()) if (m instanceof Linear l) l.initTruncNormal(0.02, init);
        this.lastLayer = registerModule("last_layer", lastLayer(config.bottleneckDim(), config.outDim(), config.normLastLayer(), rng));
        this.lastLayer2 = config.sharedHead() ? lastLayer
                : lastLayer(config.bottleneckDim(), config.patchOutDim(), config.normLastLayer(), rng);
        registerModule("last_layer2", lastLayer2);
    }

    private static Layer buildMlp(HeadConfig c, Rng rng) {
        if (c.nlayers() == 1) return new Linear(c.inDim(), c.bottleneckDim(), true, rng);
        List<Layer> layers = new ArrayList<>();
        int in = c.inDim();
        for (int i = 0; i < c.nlayers() - 1; i++) {
            layers.add(new Linear(in, c.hiddenDim(), true, rng));
            if ("ln".equals(c.norm())) layers.add(new LayerNorm(c.hiddenDim(), 1e-5f));
            layers.add(c.act().equals("relu") ? new Relu() : new Gelu());
            in = c.hiddenDim();
        }
        layers.add(new Linear(in, c.bottleneckDim(), true, rng));
        return new Sequential(layers);
    }

    private static WeightNormLinear lastLayer(int in, int out, boolean freezeG, Rng rng) {
        WeightNormLinear l = new WeightNormLinear(in, out, false, rng);
        Init.ones(l.weightG().tensor());
        l.weightG().setTrainable(!freezeG);
        return l;
    }

    /** The L2-normalised bottleneck {@code mlp(x)/‖mlp(x)‖} over the last dim, any leading shape. */
    public Tensor bottleneck(Tensor x) {
        if (x.rank() < 1 || x.dim(-1) != config.inDim())
            throw new IllegalArgumentException("iBOT head expects tokens of width " + config.inDim() + ", got shape " + x.shape());
        return F.normalize(mlp.forward(x), -1, NORMALIZE_EPS);
    }

    /**
     * All tokens {@code [N, 1+P, D]} → CLS logits from token 0 through {@code last_layer} and patch logits from
     * tokens 1.. through {@code last_layer2}. A 2-D input {@code [N, D]} is taken as CLS tokens only (the
     * reference's DINO path) and gives {@code patch = null}.
     */
    public Output forward(Tensor tokens) {
        if (tokens.rank() == 2) return new Output(forwardCls(tokens), null);
        if (tokens.rank() != 3 || tokens.dim(1) < 1)
            throw new IllegalArgumentException("iBOT head expects [N, D] or [N, 1+P, D] tokens, got shape " + tokens.shape());
        Tensor z = bottleneck(tokens);
        Tensor cls = lastLayer.forward(z.select(1, 0));
        Tensor patch = lastLayer2.forward(z.slice(1, 1, z.dim(1)));
        return new Output(cls, patch);
    }

    /** CLS logits {@code [N, K]} for CLS tokens {@code [N, D]} (the local-crop path, spec 11.25). */
    public Tensor forwardCls(Tensor cls) {
        if (cls.rank() != 2) throw new IllegalArgumentException("forwardCls expects CLS tokens [N, D], got shape " + cls.shape());
        return lastLayer.forward(bottleneck(cls));
    }

    public HeadConfig config() { return config; }

    /** The MLP: a {@link Sequential} for 2+ layers, a single {@link Linear} for 1. */
    public Layer mlp() { return mlp; }

    /** The CLS last layer ({@code last_layer}). */
    public WeightNormLinear lastLayer() { return lastLayer; }

    /** The patch last layer ({@code last_layer2}); the same object as {@link #lastLayer()} when shared. */
    public WeightNormLinear lastLayer2() { return lastLayer2; }

    /** ReLU as a layer (the reference's {@code act='relu'}). */
    private static final class Relu extends Layer {
        @Override public Tensor forward(Tensor x) { return F.relu(x); }

        @Override public String toString() { return "ReLU()"; }
    }
}
