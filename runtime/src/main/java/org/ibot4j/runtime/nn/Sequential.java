package org.ibot4j.runtime.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.ibot4j.runtime.tensor.Tensor;

/** Layers applied in order, named by position ({@code mlp.0.weight}, {@code mlp.2.weight}, ...). */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) { for (Layer l : layers) add(l); }

    public Sequential(List<? extends Layer> layers) { for (Layer l : layers) add(l); }

    /** Appends {@code layer} under the next index and returns this. */
    public Sequential add(Layer layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    @Override public Tensor forward(Tensor x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }

    public Layer get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    public List<Layer> layers() { return Collections.unmodifiableList(layers); }
}
