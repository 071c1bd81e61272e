package org.ibot4j.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import org.ibot4j.runtime.tensor.Tensor;

/**
 * The reference's choices around a linear probe (spec 9.3): which features an architecture is probed on, and
 * the trained classifier as a PyTorch state dict ({@code linear.weight [C, F]}, {@code linear.bias [C]}, the
 * names of {@code LinearClassifier}).
 */
public final class LinearProbe {
    private LinearProbe() {}

    /**
     * The reference's feature mode: ViT-Base/Large take the last block's CLS and mean patch token
     * ({@code n_last_blocks 1, avgpool 2}); every other architecture (ViT-Tiny/Small, Swin) the CLS (Swin:
     * mean-pooled) tokens of the last 4 blocks ({@code n_last_blocks 4, avgpool 0}).
     */
    public static Features.Mode defaultMode(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        return a.contains("base") || a.contains("large") ? new Features.Mode(1, 2) : new Features.Mode(4, 0);
    }

    /** {@code linear.weight} and {@code linear.bias} of the best classifier of a sweep. */
    public static LinkedHashMap<String, Object> stateDict(LinearSweep.Result r) {
        LinkedHashMap<String, Object> sd = new LinkedHashMap<>();
        sd.put("linear.weight", Tensor.of(r.weight().clone(), r.classes(), r.dim()));
        sd.put("linear.bias", Tensor.of(r.bias().clone(), r.classes()));
        return sd;
    }
}
