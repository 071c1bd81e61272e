package org.ibot4j.data;

/**
 * torchvision {@code ToTensor} then {@code Normalize} with the ImageNet statistics ({@link EvalTransform#MEAN},
 * {@link EvalTransform#STD}): {@code (v / 255 - mean) / std} in float32, written CHW straight into a batch buffer.
 */
public final class Normalize {
    private Normalize() {}

    /** Writes {@code img} as a normalised {@code [3, h, w]} block into {@code dst} starting at {@code offset}. */
    public static void write(RgbImage img, float[] dst, int offset) {
        int plane = img.width() * img.height();
        if (offset < 0 || offset + 3L * plane > dst.length)
            throw new IllegalArgumentException("destination too small for a " + img.width() + "x" + img.height() + " image at offset " + offset);
        byte[] rgb = img.rgb();
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) {
                float v = (rgb[i * 3 + c] & 0xff) / 255f;
                dst[offset + c * plane + i] = (v - EvalTransform.MEAN[c]) / EvalTransform.STD[c];
            }
    }
}
