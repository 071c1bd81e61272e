package org.ibot4j.runtime.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.ops.ShapeOps;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The reverse-mode engine over the dynamic tape. Backward visits nodes in reverse topological order,
 * sums gradients flowing into each tensor, accumulates into leaves' {@code grad}, then releases the graph
 * (unless asked to retain it) so the activations it held can be collected.
 */
public final class Autograd {
    private Autograd() {}

    /** Records {@code fn} as the backward of {@code out} when recording is on and an input needs grad. */
    public static Tensor record(String name, Tensor out, BackwardFn fn, Tensor... inputs) {
        if (!GradMode.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) { any = true; break; }
        if (!any) return out;
        out.attachGradFn(new Node(name, fn, inputs));
        return out;
    }

    public static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward() on a tensor that does not require grad (no recorded graph leads to it)");
        if (seed == null) {
            if (root.shape().size() != 1)
                throw new IllegalArgumentException("backward() without a gradient needs a single-element tensor, got shape " + root.shape());
            seed = Tensor.full(root.shape(), 1f).to(root.device());
        } else if (!seed.shape().equals(root.shape())) {
            throw new IllegalArgumentException("gradient shape " + seed.shape() + " does not match tensor shape " + root.shape());
        }
        List<Tensor> order = topologicalOrder(root);
        for (Tensor t : order)  // fail before touching any .grad, not half way through
            if (t.gradFn() != null && t.gradFn().released())
                throw new IllegalStateException("backward through node '" + t.gradFn().name() + "' a second time: its saved activations"
                        + " were released by an earlier backward (call backward(grad, true) to retain the graph)");
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (var ignored = GradMode.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                Node node = t.gradFn();
                if (node == null) {  // a leaf
                    t.accumulateGrad(g);
                    continue;
                }
                if (t.retainsGrad()) t.accumulateGrad(g);
                Tensor[] inputs = node.inputs();
                Tensor[] inGrads = node.apply(g);
                if (inGrads.length != inputs.length)
                    throw new IllegalStateException("node " + node + " returned " + inGrads.length + " gradients for " + inputs.length + " inputs");
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    Tensor ig = inGrads[k];
                    if (in == null || ig == null || !in.requiresGrad()) continue;
                    if (!ig.shape().equals(in.shape())) ig = ShapeOps.sumToShape(ig, in.shape());
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? ig : addFresh(prev, ig));
                }
                if (!retainGraph) node.release();
            }
        }
        // Release nodes that got no gradient too. Non-leaves keep their (now empty) released node rather than
        // becoming leaves, so a later backward through them fails clearly instead of filling their .grad.
        if (!retainGraph) for (Tensor t : order) if (t.gradFn() != null) t.gradFn().release();
    }

    /** Out of place: backward rules may hand the same tensor to several inputs. */
    private static Tensor addFresh(Tensor a, Tensor b) {
        Tensor out = a.contiguousCopy();
        out.addInPlace(b);
        return out;
    }

    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> state = new IdentityHashMap<>();  // false = on stack, true = done
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        state.put(root, Boolean.FALSE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.gradFn() == null ? new Tensor[0] : t.gradFn().inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && !state.containsKey(in)) {
                    state.put(in, Boolean.FALSE);
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                state.put(t, Boolean.TRUE);
                order.add(t);
            }
        }
        return order;
    }
}
