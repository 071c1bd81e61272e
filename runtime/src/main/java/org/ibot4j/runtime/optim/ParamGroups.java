package org.ibot4j.runtime.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ibot4j.runtime.tensor.Tensor;

/** Builders for the usual parameter groupings. */
public final class ParamGroups {
    private ParamGroups() {}

    /**
     * The DINO/iBOT split (spec 7.1): group 0 holds every tensor with at least 2 dims whose name does not end
     * in ".bias" and gets {@code weightDecay}; group 1 holds biases and 1-D (or 0-D) tensors with decay fixed
     * at 0. Both get {@code lr}. Order inside each group follows the map's order.
     */
    public static List<ParamGroup> decayAndNoDecay(Map<String, Tensor> params, double lr, double weightDecay) {
        List<ParamGroup.Entry> decay = new ArrayList<>(), noDecay = new ArrayList<>();
        params.forEach((name, t) -> (isDecayed(name, t) ? decay : noDecay).add(new ParamGroup.Entry(name, t)));
        return List.of(new ParamGroup(decay, lr, weightDecay), new ParamGroup(noDecay, lr, 0.0));
    }

    /** The rule of {@link #decayAndNoDecay}: decayed iff rank ≥ 2 and the name does not end in ".bias". */
    public static boolean isDecayed(String name, Tensor t) {
        return !name.endsWith(".bias") && t.rank() >= 2;
    }
}
