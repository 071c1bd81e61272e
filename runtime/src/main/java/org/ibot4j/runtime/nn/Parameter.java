package org.ibot4j.runtime.nn;

import org.ibot4j.runtime.tensor.Shape;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * A learnable tensor owned by a {@link Module}: a dense leaf {@link Tensor} whose values optimisers and
 * state-dict loading update in place (the tensor object never changes, so optimiser state keyed by it stays
 * valid). {@code trainable} is the tensor's {@code requiresGrad}; frozen parameters (e.g. the teacher's)
 * take part in forward passes but collect no gradient.
 */
public final class Parameter {
    private final Tensor data;

    /** A trainable parameter over {@code data} (used as is, not copied). */
    public Parameter(Tensor data) { this(data, true); }

    public Parameter(Tensor data, boolean trainable) {
        if (data == null) throw new IllegalArgumentException("parameter tensor is null");
        if (!data.isLeaf()) throw new IllegalArgumentException("a parameter must be a leaf tensor, got the result of " + data.gradFn().name());
        if (!data.isContiguous()) throw new IllegalArgumentException("a parameter must be a dense tensor, got a strided view of shape " + data.shape());
        this.data = data;
        data.requiresGrad(trainable);
    }

    /** The tensor to use in forward passes (and to hand to optimisers). */
    public Tensor tensor() { return data; }

    public boolean trainable() { return data.requiresGrad(); }

    /** Freezes ({@code false}) or unfreezes this parameter. Returns this. */
    public Parameter setTrainable(boolean on) { data.requiresGrad(on); return this; }

    /** The accumulated gradient, or null. */
    public Tensor grad() { return data.grad(); }

    public void zeroGrad() { data.zeroGrad(); }

    public Shape shape() { return data.shape(); }

    public int size() { return data.size(); }

    @Override public String toString() { return "Parameter" + data.shape() + (trainable() ? "" : " frozen"); }
}
