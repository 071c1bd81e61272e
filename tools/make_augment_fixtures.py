#!/usr/bin/python3
"""Writes PIL reference outputs for the multi-crop augmentation ops, each with FIXED parameters, so the Java
transforms can be checked bit-exactly (or within +-1) against Pillow: crop box + bicubic resize, ImageEnhance
brightness/contrast/colour, the torchvision hue shift via HSV, convert('L') grayscale, GaussianBlur, solarize
and horizontal flip. Run: /usr/bin/python3 tools/make_augment_fixtures.py (needs only Pillow and numpy).
Output: ibot/src/test/resources/fixtures/augment/*.png (lossless) plus params.txt naming each file's op."""
import os
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

OUT = os.path.join(os.path.dirname(__file__), "..", "ibot", "src", "test", "resources", "fixtures", "augment")
os.makedirs(OUT, exist_ok=True)

rng = np.random.RandomState(4)
h, w = 41, 53
yy, xx = np.mgrid[0:h, 0:w]
base = np.stack([xx * 255 // (w - 1), yy * 255 // (h - 1), (xx + yy) * 3 % 256], axis=-1)
noise = rng.randint(-40, 41, size=(h, w, 3))
src = Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8), "RGB")
src.save(os.path.join(OUT, "source.png"))

def hue(img, factor):  # torchvision 0.8 F.adjust_hue for PIL images
    hh, s, v = img.convert("HSV").split()
    np_h = np.array(hh, dtype=np.uint8)
    np_h += np.uint8(int(factor * 255) % 256)
    return Image.merge("HSV", (Image.fromarray(np_h, "L"), s, v)).convert("RGB")

ops = {
    "crop_resize_up": lambda im: im.crop((5, 7, 5 + 20, 7 + 17)).resize((32, 32), Image.BICUBIC),
    "crop_resize_down": lambda im: im.crop((2, 1, 2 + 47, 1 + 38)).resize((24, 24), Image.BICUBIC),
    "flip": lambda im: im.transpose(Image.FLIP_LEFT_RIGHT),
    "brightness_1.3": lambda im: ImageEnhance.Brightness(im).enhance(1.3),
    "brightness_0.65": lambda im: ImageEnhance.Brightness(im).enhance(0.65),
    "contrast_1.35": lambda im: ImageEnhance.Contrast(im).enhance(1.35),
    "contrast_0.6": lambda im: ImageEnhance.Contrast(im).enhance(0.6),
    "saturation_1.2": lambda im: ImageEnhance.Color(im).enhance(1.2),
    "saturation_0.8": lambda im: ImageEnhance.Color(im).enhance(0.8),
    "hue_0.07": lambda im: hue(im, 0.07),
    "hue_-0.1": lambda im: hue(im, -0.1),
    "gray": lambda im: im.convert("L").convert("RGB"),
    "blur_0.1": lambda im: im.filter(ImageFilter.GaussianBlur(0.1)),
    "blur_0.7": lambda im: im.filter(ImageFilter.GaussianBlur(0.7)),
    "blur_1.55": lambda im: im.filter(ImageFilter.GaussianBlur(1.55)),
    "blur_2.0": lambda im: im.filter(ImageFilter.GaussianBlur(2.0)),
    "solarize": lambda im: ImageOps.solarize(im, 128),
}
with open(os.path.join(OUT, "params.txt"), "w") as f:
    f.write("# op name -> file; parameters are in the name (see tools/make_augment_fixtures.py)\n")
    for name, op in ops.items():
        op(src).save(os.path.join(OUT, name + ".png"))
        f.write(name + "\n")
