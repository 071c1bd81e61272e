package org.ibot4j.data;

import java.util.ArrayList;
import java.util.List;
import org.ibot4j.runtime.random.Rng;

/**
 * iBOT's {@code DataAugmentationiBOT} (spec 2.2): from one image, {@code G} global views then {@code L} local views,
 * as uint8 RGB crops (normalise with {@link Normalize}). Every view: RandomResizedCrop (bicubic), horizontal flip
 * p=0.5, colour jitter p=0.8, grayscale p=0.2, then per view type Gaussian blur (global #1: always, global #2..G:
 * p=0.1, local: p=0.5) and solarize (global #2..G only, p=0.2). All randomness comes from the {@link Rng} passed in,
 * drawn in view order, so a per-image generator makes the result independent of threads.
 */
public final class MultiCropAugmentation {
    private final MultiCropConfig config;
    private final RandomResizedCrop globalCrop, localCrop;
    private final HorizontalFlip flip = new HorizontalFlip(0.5);
    private final ColorJitter jitter = ColorJitter.ibot();
    private final Grayscale gray = new Grayscale(0.2);
    private final GaussianBlur blurGlobal1 = GaussianBlur.withP(1.0), blurGlobal2 = GaussianBlur.withP(0.1), blurLocal = GaussianBlur.withP(0.5);
    private final Solarize solarizeGlobal2 = new Solarize(0.2, 128);

    public MultiCropAugmentation(MultiCropConfig config) {
        this.config = config;
        this.globalCrop = new RandomResizedCrop(config.globalSize(), config.globalScaleMin(), config.globalScaleMax());
        this.localCrop = new RandomResizedCrop(config.localSize(), config.localScaleMin(), config.localScaleMax());
    }

    /** The configuration. */
    public MultiCropConfig config() { return config; }

    /** The {@code G + L} views of {@code img}: global views first (index 0 = global view #1), then local views. */
    public List<RgbImage> apply(RgbImage img, Rng rng) {
        List<RgbImage> views = new ArrayList<>(config.globalCropsNumber() + config.localCropsNumber());
        for (int g = 0; g < config.globalCropsNumber(); g++) {
            RgbImage v = flipAndColour(globalCrop.apply(img, rng), rng);
            if (g == 0) v = blurGlobal1.apply(v, rng);
            else v = solarizeGlobal2.apply(blurGlobal2.apply(v, rng), rng);
            views.add(v);
        }
        for (int l = 0; l < config.localCropsNumber(); l++)
            views.add(blurLocal.apply(flipAndColour(localCrop.apply(img, rng), rng), rng));
        return views;
    }

    private RgbImage flipAndColour(RgbImage v, Rng rng) { return gray.apply(jitter.apply(flip.apply(v, rng), rng), rng); }
}
