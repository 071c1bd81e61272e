package org.ibot4j.runtime.nn;

import java.util.function.Supplier;
import org.ibot4j.runtime.random.Rng;
import org.ibot4j.runtime.tensor.Tensor;

/** {@code fc1 → act → drop → fc2 → drop} (timm/DINO {@code Mlp}; children {@code fc1, act, fc2, drop}). */
public final class Mlp extends Layer {
    private final Linear fc1, fc2;
    private final Layer act;
    private final Dropout drop;

    /** GELU activation. */
    public Mlp(int in, int hidden, int out, float drop, Rng rng) { this(in, hidden, out, Gelu::new, drop, rng); }

    public Mlp(int in, int hidden, int out, Supplier<? extends Layer> act, float drop, Rng rng) {
        this.fc1 = registerModule("fc1", new Linear(in, hidden, true, rng));
        this.act = registerModule("act", act.get());
        this.fc2 = registerModule("fc2", new Linear(hidden, out, true, rng));
        this.drop = registerModule("drop", new Dropout(drop, rng.split()));
    }

    @Override public Tensor forward(Tensor x) {
        x = drop.forward(act.forward(fc1.forward(x)));
        return drop.forward(fc2.forward(x));
    }

    public Linear fc1() { return fc1; }

    public Linear fc2() { return fc2; }
}
