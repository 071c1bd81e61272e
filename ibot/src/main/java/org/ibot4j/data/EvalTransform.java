package org.ibot4j.data;

import org.ibot4j.runtime.tensor.Tensor;

/**
 * The evaluation transform of the official k-NN / linear evaluation (spec 9.2), with torchvision 0.8 semantics on
 * PIL images: {@code Resize(resize)} of the shorter side with PIL bicubic (or the given filter; the longer side is
 * {@code int(resize * long / short)}), {@code CenterCrop(crop)} with {@code top = round((h - crop) / 2)} (half to
 * even), {@code ToTensor} (uint8 / 255) and {@code Normalize} with the ImageNet mean and std, all in float32.
 *
 * @param crop   side of the square output (224 in the reference)
 * @param resize the shorter side after resizing (256 for 224 crops)
 * @param filter the resampling filter of the resize (bicubic for k-NN/linear; the fine-tuning script's is bilinear)
 */
public record EvalTransform(int crop, int resize, PilResize.Filter filter) {
    /** ImageNet channel means (R, G, B). */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet channel standard deviations (R, G, B). */
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    public EvalTransform {
        if (crop <= 0) throw new IllegalArgumentException("crop size must be positive, got " + crop);
        if (resize < crop) throw new IllegalArgumentException("resize (" + resize + ") must be at least the crop size (" + crop + ")");
        if (filter == null) throw new IllegalArgumentException("resize filter must be given");
    }

    /** The bicubic transform of spec 9.2. */
    public EvalTransform(int crop, int resize) { this(crop, resize, PilResize.Filter.BICUBIC); }

    /** The transform for {@code crop}-pixel crops, resizing the shorter side to {@code round(crop * 256 / 224)}. */
    public static EvalTransform forCrop(int crop) {
        return new EvalTransform(crop, (int) Math.rint(crop * 256.0 / 224.0));
    }

    /** The resized image (before cropping), with torchvision 0.8's output-size rule. */
    public RgbImage resized(RgbImage img) {
        int w = img.width(), h = img.height();
        if ((w <= h && w == resize) || (h <= w && h == resize)) return img;
        int ow, oh;
        if (w < h) {
            ow = resize;
            oh = (int) ((long) resize * h / w);
        } else {
            oh = resize;
            ow = (int) ((long) resize * w / h);
        }
        return PilResize.resize(img, ow, oh, filter);
    }

    /** The centre {@code crop x crop} of {@code img}, torchvision's rounding of the offsets. */
    public RgbImage centerCrop(RgbImage img) {
        int top = (int) Math.rint((img.height() - crop) / 2.0);
        int left = (int) Math.rint((img.width() - crop) / 2.0);
        return img.crop(left, top, crop, crop);
    }

    /** The normalised {@code [3, crop, crop]} float tensor of {@code img}. */
    public Tensor apply(RgbImage img) {
        return toNormalizedTensor(centerCrop(resized(img)));
    }

    /** {@code ToTensor} then {@code Normalize}: {@code (v / 255 - mean) / std} per channel, in float32, CHW. */
    public static Tensor toNormalizedTensor(RgbImage img) {
        int w = img.width(), h = img.height(), plane = w * h;
        float[] out = new float[3 * plane];
        byte[] rgb = img.rgb();
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) {
                float v = (rgb[i * 3 + c] & 0xff) / 255f;
                out[c * plane + i] = (v - MEAN[c]) / STD[c];
            }
        return Tensor.of(out, 3, h, w);
    }
}
