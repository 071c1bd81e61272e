package org.ibot4j.runtime.autograd;

import org.ibot4j.runtime.tensor.Tensor;

/** A recorded op application: its inputs and backward rule. Released (both dropped) after backward. */
public final class Node {
    private final String name;
    private Tensor[] inputs;
    private BackwardFn fn;

    public Node(String name, BackwardFn fn, Tensor[] inputs) {
        this.name = name;
        this.fn = fn;
        this.inputs = inputs;
    }

    public String name() { return name; }

    /** The inputs, or an empty array once released. */
    public Tensor[] inputs() { return inputs == null ? new Tensor[0] : inputs; }

    public boolean released() { return fn == null; }

    Tensor[] apply(Tensor grad) {
        if (fn == null)
            throw new IllegalStateException("backward through node '" + name + "' a second time: its saved activations were released"
                    + " (call backward(grad, true) to retain the graph)");
        return fn.apply(grad);
    }

    /** Drops saved activations and the links to inputs so the graph can be collected. */
    void release() {
        fn = null;
        inputs = null;
    }

    @Override public String toString() { return name; }
}
