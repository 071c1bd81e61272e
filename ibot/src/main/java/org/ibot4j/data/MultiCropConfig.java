package org.ibot4j.data;

/**
 * Multi-crop settings (spec 1.1): {@code --global_crops_number}, {@code --global_crops_scale},
 * {@code --local_crops_number}, {@code --local_crops_scale}, {@code --global_crops_size}, {@code --local_crops_size}.
 */
public record MultiCropConfig(int globalCropsNumber, double globalScaleMin, double globalScaleMax,
                              int localCropsNumber, double localScaleMin, double localScaleMax,
                              int globalSize, int localSize) {
    public MultiCropConfig {
        if (globalCropsNumber < 1) throw new IllegalArgumentException("global_crops_number must be >= 1, got " + globalCropsNumber);
        if (localCropsNumber < 0) throw new IllegalArgumentException("local_crops_number must be >= 0, got " + localCropsNumber);
        if (globalSize <= 0 || localSize <= 0) throw new IllegalArgumentException("crop sizes must be positive, got " + globalSize + "/" + localSize);
    }

    /** The reference defaults: 2 global crops (0.14, 1) of 224 px, no local crops (0.05, 0.4) of 96 px. */
    public static MultiCropConfig defaults() { return new MultiCropConfig(2, 0.14, 1.0, 0, 0.05, 0.4, 224, 96); }

    /** Total number of views per image. */
    public int views() { return globalCropsNumber + localCropsNumber; }
}
