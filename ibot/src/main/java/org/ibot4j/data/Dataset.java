package org.ibot4j.data;

/**
 * An indexed collection of labelled images for pre-training and evaluation. {@link #image} returns {@code null}
 * for a sample that cannot be decoded (the implementation warns once per sample on stderr), so that a loader can
 * skip it instead of failing mid-epoch. Implementations must be safe to read from several threads at once.
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** The RGB image of sample {@code i}, or {@code null} when it cannot be read or decoded. */
    RgbImage image(int i);

    /** The class index of sample {@code i} (used for logging and evaluation only, never for training). */
    int label(int i);

    /** Number of classes. */
    int numClasses();
}
