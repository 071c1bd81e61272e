package org.ibot4j.data;

import org.ibot4j.runtime.tensor.Tensor;

/**
 * One training batch of {@code B} images, crop-major (spec notation): row {@code c * B + b} is view {@code c} of
 * image {@code b}.
 *
 * @param globalCrops {@code [G*B, 3, S, S]} normalised global views
 * @param localCrops  {@code [L*B, 3, s, s]} normalised local views, or {@code null} when {@code L = 0}
 * @param masks       {@code [G*B, gh, gw]} 0/1 masks of the global views (1 = masked patch)
 * @param localMasks  {@code [L*B, lh, lw]} masks of the local views (generated as the reference does, unused by
 *                    ViT training), or {@code null} when {@code L = 0}
 * @param labels      class label per image
 * @param indices     dataset index per image (after replacing unreadable samples)
 */
public record Batch(Tensor globalCrops, Tensor localCrops, Tensor masks, Tensor localMasks, int[] labels, int[] indices) {
    /** Number of images. */
    public int size() { return labels.length; }
}
