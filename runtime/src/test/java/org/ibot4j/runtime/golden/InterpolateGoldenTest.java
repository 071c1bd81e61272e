package org.ibot4j.runtime.golden;

import org.ibot4j.runtime.ops.Interpolate;
import org.junit.jupiter.api.Test;

/**
 * Bicubic position-embedding resampling (spec 4.1.1: align_corners=False, A=-0.75, scale factor (g+0.1)/s
 * passed to the kernel) against {@code F.interpolate} of PyTorch 1.13, forward and backward.
 */
class InterpolateGoldenTest {
    private static void check(String caseName) {
        Fixture f = FixtureReader.torch(caseName);
        double sh = f.metaDouble("scale_h"), sw = f.metaDouble("scale_w");
        OpGolden.check(caseName, in -> Interpolate.bicubic(in.get("x"), sh, sw));
    }

    @Test void grid4To3() { check("bicubic_4_to_3"); }

    @Test void grid4To6() { check("bicubic_4_to_6"); }

    @Test void grid4To3x6() { check("bicubic_4_to_3x6"); }

    @Test void grid14To6LocalCrop() { check("bicubic_14_to_6"); }
}
