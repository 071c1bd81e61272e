package org.ibot4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each augmentation op with fixed parameters against Pillow's output (tools/make_augment_fixtures.py). */
class AugmentFixturesTest {
    private static RgbImage fixture(String name) throws IOException, URISyntaxException {
        return ImageFiles.read(Path.of(AugmentFixturesTest.class.getResource("/fixtures/augment/" + name + ".png").toURI()));
    }

    /** Largest absolute difference; asserts equal size. */
    private static int maxDiff(String name, UnaryOperator<RgbImage> op) throws Exception {
        RgbImage expected = fixture(name), actual = op.apply(fixture("source"));
        assertEquals(expected.width(), actual.width(), name + " width");
        assertEquals(expected.height(), actual.height(), name + " height");
        int max = 0;
        for (int i = 0; i < expected.rgb().length; i++)
            max = Math.max(max, Math.abs((expected.rgb()[i] & 0xff) - (actual.rgb()[i] & 0xff)));
        return max;
    }

    private static void exact(String name, UnaryOperator<RgbImage> op) throws Exception {
        assertEquals(0, maxDiff(name, op), name + ": max |Java - Pillow|");
    }

    @Test void cropResizeMatchesPillow() throws Exception {
        exact("crop_resize_up", im -> RandomResizedCrop.cropResize(im, new RandomResizedCrop.Box(7, 5, 17, 20), 32));
        exact("crop_resize_down", im -> RandomResizedCrop.cropResize(im, new RandomResizedCrop.Box(1, 2, 38, 47), 24));
    }

    @Test void flipMatchesPillow() throws Exception { exact("flip", HorizontalFlip::flip); }

    @Test void brightnessMatchesPillow() throws Exception {
        exact("brightness_1.3", im -> ColorJitter.brightness(im, 1.3f));
        exact("brightness_0.65", im -> ColorJitter.brightness(im, 0.65f));
    }

    @Test void contrastMatchesPillow() throws Exception {
        exact("contrast_1.35", im -> ColorJitter.contrast(im, 1.35f));
        exact("contrast_0.6", im -> ColorJitter.contrast(im, 0.6f));
    }

    @Test void saturationMatchesPillow() throws Exception {
        exact("saturation_1.2", im -> ColorJitter.saturation(im, 1.2f));
        exact("saturation_0.8", im -> ColorJitter.saturation(im, 0.8f));
    }

    @Test void hueMatchesTorchvisionOnPil() throws Exception {
        exact("hue_0.07", im -> ColorJitter.hue(im, 0.07));
        exact("hue_-0.1", im -> ColorJitter.hue(im, -0.1));
    }

    @Test void grayscaleMatchesPillow() throws Exception { exact("gray", Grayscale::gray); }

    @Test void gaussianBlurMatchesPillow() throws Exception {
        for (String r : new String[]{"0.1", "0.7", "1.55", "2.0"})
            exact("blur_" + r, im -> GaussianBlur.blur(im, Float.parseFloat(r)));
    }

    @Test void solarizeMatchesPillow() throws Exception { exact("solarize", im -> Solarize.solarize(im, 128)); }
}
