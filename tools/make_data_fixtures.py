#!/usr/bin/env python3
"""Golden fixtures for ibot4j's evaluation preprocessing (org.ibot4j.data), made with PIL.

Writes small images (RGB noise, smooth RGB, grey, palette, RGBA) and, for each, the PIL outputs of the
evaluation transform as torchvision 0.8 runs it on PIL images: Resize(shorter side, BICUBIC) with
torchvision's size rule, CenterCrop with round((h - crop) / 2), ToTensor and Normalize (ImageNet mean/std)
in float32. torchvision itself is not needed: its resize is PIL's Image.resize and the tensor steps are
reproduced with numpy float32 arithmetic. Also a few direct Image.resize cases (mixed up/down scaling).

Usage: python3 tools/make_data_fixtures.py [OUT_DIR]  (default ibot/src/test/resources/fixtures/data)
"""
import json
import os
import sys

import numpy as np
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def tv_resize(img, size):
    w, h = img.size
    if (w <= h and w == size) or (h <= w and h == size):
        return img
    if w < h:
        ow, oh = size, int(size * h / w)
    else:
        oh, ow = size, int(size * w / h)
    return img.resize((ow, oh), Image.BICUBIC)


def tv_center_crop(img, crop):
    w, h = img.size
    top = int(round((h - crop) / 2.0))
    left = int(round((w - crop) / 2.0))
    return img.crop((left, top, left + crop, top + crop))


def to_tensor(img):
    a = np.asarray(img, dtype=np.uint8).astype(np.float32) / np.float32(255)
    a = a.transpose(2, 0, 1)
    return ((a - MEAN[:, None, None]) / STD[:, None, None]).astype(np.float32)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "ibot/src/test/resources/fixtures/data"
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(1234)
    images = {}
    images["rgb_noise_41x29.png"] = Image.fromarray(rng.integers(0, 256, (29, 41, 3), dtype=np.uint8), "RGB")
    yy, xx = np.mgrid[0:100, 0:150]
    smooth = np.stack([(xx * 255 // 149), (yy * 255 // 99), ((xx + yy) * 7) % 256], -1).astype(np.uint8)
    images["rgb_smooth_150x100.png"] = Image.fromarray(smooth, "RGB")
    images["rgb_small_10x13.png"] = Image.fromarray(rng.integers(0, 256, (13, 10, 3), dtype=np.uint8), "RGB")
    images["grey_33x47.png"] = Image.fromarray(rng.integers(0, 256, (47, 33), dtype=np.uint8), "L")
    pal = Image.fromarray(rng.integers(0, 256, (25, 25, 3), dtype=np.uint8), "RGB").quantize(colors=16)
    images["palette_25x25.png"] = pal
    images["rgba_30x20.png"] = Image.fromarray(rng.integers(0, 256, (20, 30, 4), dtype=np.uint8), "RGBA")

    manifest = {"pil_version": Image.__version__ if hasattr(Image, "__version__") else "", "eval": [], "resize": []}
    crops = {"rgb_noise_41x29.png": 16, "rgb_smooth_150x100.png": 24, "rgb_small_10x13.png": 14,
             "grey_33x47.png": 24, "palette_25x25.png": 20, "rgba_30x20.png": 16}
    for name, img in images.items():
        img.save(os.path.join(out, name))
        rgb = Image.open(os.path.join(out, name)).convert("RGB")
        stem = name.rsplit(".", 1)[0]
        np.asarray(rgb, dtype=np.uint8).tofile(os.path.join(out, stem + ".rgb.bin"))
        crop = crops[name]
        resize = int(round(crop * 256 / 224))
        resized = tv_resize(rgb, resize)
        np.asarray(resized, dtype=np.uint8).tofile(os.path.join(out, stem + ".resized.bin"))
        tensor = to_tensor(tv_center_crop(resized, crop))
        tensor.astype("<f4").tofile(os.path.join(out, stem + ".tensor.bin"))
        manifest["eval"].append({"image": name, "mode": img.mode, "width": rgb.size[0], "height": rgb.size[1],
                                 "rgb": stem + ".rgb.bin", "crop": crop, "resize": resize,
                                 "resized_width": resized.size[0], "resized_height": resized.size[1],
                                 "resized": stem + ".resized.bin", "tensor": stem + ".tensor.bin"})
    for name, (w, h) in [("rgb_noise_41x29.png", (13, 50)), ("rgb_smooth_150x100.png", (37, 211)),
                         ("rgb_small_10x13.png", (31, 5))]:
        rgb = Image.open(os.path.join(out, name)).convert("RGB")
        r = rgb.resize((w, h), Image.BICUBIC)
        fn = "%s.%dx%d.bin" % (name.rsplit(".", 1)[0], w, h)
        np.asarray(r, dtype=np.uint8).tofile(os.path.join(out, fn))
        manifest["resize"].append({"image": name, "width": w, "height": h, "expected": fn})
        # bilinear: the fine-tuning script's evaluation resize (transforms.Resize(size, interpolation=2))
        rb = rgb.resize((w, h), Image.BILINEAR)
        fnb = "%s.%dx%d.bilinear.bin" % (name.rsplit(".", 1)[0], w, h)
        np.asarray(rb, dtype=np.uint8).tofile(os.path.join(out, fnb))
        manifest["resize"].append({"image": name, "width": w, "height": h, "expected": fnb, "filter": "bilinear"})
    # JPEG: decoders may differ by rounding (IDCT, chroma upsampling); the test reports the difference.
    manifest["jpeg"] = []
    for name, img in [("smooth_q90_420.jpg", Image.fromarray(smooth[:48, :64], "RGB")),
                      ("noise_q75_grey.jpg", Image.fromarray(rng.integers(0, 256, (24, 40), dtype=np.uint8), "L"))]:
        img.save(os.path.join(out, name), quality=90 if "q90" in name else 75)
        rgb = Image.open(os.path.join(out, name)).convert("RGB")
        stem = name.rsplit(".", 1)[0]
        np.asarray(rgb, dtype=np.uint8).tofile(os.path.join(out, stem + ".rgb.bin"))
        manifest["jpeg"].append({"image": name, "width": rgb.size[0], "height": rgb.size[1], "rgb": stem + ".rgb.bin"})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
