package org.ibot4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibot4j.data.EvalTransform;
import org.ibot4j.data.PilResize;
import org.junit.jupiter.api.Test;

/**
 * The fine-tuning evaluation transform is the reference script's {@code build_transform}: shorter side to
 * {@code int(S / crop_pct)} with PIL bilinear ({@code interpolation=2}), crop_pct 224/256 below 384 px, else 1.
 */
class FineTuneEvalTransformTest {
    @Test void bilinearWithTheReferenceCropPct() {
        EvalTransform t224 = FineTuneData.evalTransform(224);
        assertEquals(256, t224.resize());
        assertEquals(224, t224.crop());
        assertEquals(PilResize.Filter.BILINEAR, t224.filter());
        assertEquals(36, FineTuneData.evalTransform(32).resize());       // int(32 / 0.875) = int(36.57)
        assertEquals(384, FineTuneData.evalTransform(384).resize());     // crop_pct 1 from 384 px
        assertEquals(PilResize.Filter.BICUBIC, EvalTransform.forCrop(224).filter()); // k-NN / linear keep bicubic
    }
}
