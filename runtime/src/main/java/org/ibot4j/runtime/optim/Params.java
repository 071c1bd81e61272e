package org.ibot4j.runtime.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/** Checks shared by the optimisers: parameters are dense tensors (heap or GPU), each in exactly one group. */
final class Params {
    private Params() {}

    /** Rejects empty group lists, non-dense parameters and a tensor listed twice. */
    static List<ParamGroup> validate(List<ParamGroup> groups) {
        if (groups == null || groups.isEmpty()) throw new IllegalArgumentException("optimiser needs at least one parameter group");
        Map<Tensor, String> seen = new IdentityHashMap<>();
        for (ParamGroup g : groups) {
            for (ParamGroup.Entry e : g.params()) {
                String prev = seen.put(e.tensor(), e.name());
                if (prev != null)
                    throw new IllegalArgumentException("parameter '" + e.name() + "' is the same tensor as '" + prev + "': a tensor may appear in only one group, once");
                if (!e.tensor().isContiguous())
                    throw new IllegalArgumentException("parameter '" + e.name() + "' is a strided view; optimisers update dense tensors in place");
            }
        }
        return List.copyOf(groups);
    }

    /** The gradient of {@code p} as a dense tensor (a copy only when it is a strided view), or null. */
    static Tensor denseGrad(Tensor p) {
        Tensor g = p.grad();
        if (g == null) return null;
        return g.isContiguous() ? g : g.contiguousCopy();
    }

    /** Refuses a GPU parameter in an optimiser that updates only heap tensors. */
    static void requireHost(Tensor p, String optimizer) {
        if (p.device() != org.ibot4j.runtime.tensor.Device.CPU)
            throw new IllegalStateException(optimizer + " updates parameters on the CPU only; this one is on " + p.device()
                    + " (AdamW runs on the GPU)");
    }

    /** Sum of squares of a dense slice, accumulated in double. */
    static double sumSquares(float[] a, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) { double v = a[off + i]; s += v * v; }
        return s;
    }

    /** L2 norm of a tensor's values, accumulated in double and rounded to float (like a float32 norm). */
    static float norm(Tensor t) {
        if (t.device() != org.ibot4j.runtime.tensor.Device.CPU) {
            float[] v = t.toArray();
            return (float) Math.sqrt(sumSquares(v, 0, v.length));
        }
        Tensor d = t.isContiguous() ? t : t.contiguousCopy();
        return (float) Math.sqrt(sumSquares(d.array(), d.offset(), d.size()));
    }
}
