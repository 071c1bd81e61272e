#!/usr/bin/python3
"""Golden data for ibot4j's Swin backbone (spec 4.2), from a small Swin written from the spec in PyTorch (the model
of ibot/src/main/resources/org/ibot4j/cli/bench_swin_torch.py, imported from there).

Writes one folder per case under ibot/src/test/resources/fixtures/swin/<case>/ in the format of
tools/make_runtime_fixtures.py: manifest.json lists every tensor ({file, dtype, shape, numel, sum, abs_max})
plus a `meta` object; each tensor is a raw little-endian float32 C-order .bin file.

Names in a case: "state/<key>" the model state dict (relative_position_index stored as float32), "x" the
input, "mask" the mask (1 = masked; absent for unmasked cases), "out" the output [N, 1+P, D], "gout" a fixed
random upstream gradient, "grad_x" and "grad/<key>" the gradients of sum(out * gout). meta holds the config. Case w4_global also gets
checkpoint.pth: {"teacher": {"backbone.<key>": ...}} as torch.save writes it (index buffers int64).

Deterministic: every case reseeds torch with a CRC of its name and runs single-threaded.
Usage: /usr/bin/python3 tools/make_swin_fixtures.py
"""
import json
import os
import shutil
import zlib

import numpy as np
import torch

from reference_models import load

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ROOT = os.path.join(REPO, "ibot", "src", "test", "resources", "fixtures", "swin")
FORMAT = "ibot4j-torch-v1"


# ------------------------------------------------------------------------------------------ the model (spec 4.2)

_swin = load("bench_swin_torch.py")  # the one copy of the model, shared with `ibot bench swin`
Swin, rel_index = _swin.Swin, _swin.rel_index


# ------------------------------------------------------------------------------------------ cases

class Case:
    def __init__(self, name, meta):
        self.name, self.meta, self.tensors = name, dict(meta), {}

    def put(self, key, t):
        a = t.detach().to(torch.float32).numpy() if isinstance(t, torch.Tensor) else np.asarray(t, np.float32)
        self.tensors[key] = np.array(a, dtype="<f4", order="C", copy=True)

    def write(self):
        folder = os.path.join(ROOT, self.name)
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.makedirs(folder)
        entries = {}
        for key, a in self.tensors.items():
            rel = key + ".bin"
            path = os.path.join(folder, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            a.tofile(path)
            entries[key] = {"file": rel, "dtype": "float32", "shape": list(a.shape), "numel": int(a.size),
                            "sum": float(a.astype(np.float64).sum()),
                            "abs_max": float(np.abs(a).max()) if a.size else 0.0}
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            json.dump({"format": FORMAT, "meta": self.meta, "tensors": entries}, f, indent=1)
            f.write("\n")


def randomise(model):
    """Weights well away from init so every part (bias tables, norms, mask token) shows in the outputs."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("relative_position_bias_table"):
                p.copy_(torch.randn_like(p) * 0.5)
            elif "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name == "masked_embed":
                p.copy_(torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) * 0.3)


def swin_case(name, img, patch, dim, depths, heads, window, crop, masked, batch=2, checkpoint=False):
    torch.manual_seed(zlib.crc32(name.encode()))
    model = Swin(img, patch, dim, depths, heads, window)
    randomise(model)
    x = torch.randn(batch, 3, crop, crop, requires_grad=True)
    stride = patch * 2 ** (len(depths) - 1)
    mask = (torch.rand(batch, crop // stride, crop // stride) < 0.4).float() if masked else None
    out = model(x, mask)
    gout = torch.randn(out.shape)
    (out * gout).sum().backward()
    c = Case(name, {"img_size": img, "patch_size": patch, "embed_dim": dim, "depths": depths, "heads": heads,
                    "window_size": window, "crop": crop, "masked": masked})
    for k, v in model.state_dict().items():
        c.put("state/" + k, v)
    c.put("x", x)
    if mask is not None:
        c.put("mask", mask)
    c.put("out", out)
    c.put("gout", gout)
    c.put("grad_x", x.grad)
    for k, p in model.named_parameters():
        if p.grad is not None:
            c.put("grad/" + k, p.grad)
    c.write()
    if checkpoint:  # the model as a pre-training checkpoint: teacher backbone keys, int64 relative_position_index
        torch.save({"teacher": {"backbone." + k: v for k, v in model.state_dict().items()}, "epoch": 1},
                   os.path.join(ROOT, name, "checkpoint.pth"))
    print(f"{name}: out {tuple(out.shape)}")


def main():
    torch.set_num_threads(1)
    # window 4 on a 16-px image, patch 2: stage grids 8 (window 4, shifts 0/2) and 4 (whole-grid window)
    swin_case("w4_global", 16, 2, 16, [2, 2], [2, 4], 4, 16, False, checkpoint=True)
    swin_case("w4_global_masked", 16, 2, 16, [2, 2], [2, 4], 4, 16, True)
    # a 12-px "local crop" on the same layout: grids 6 (padded to 8, shifted) and 3 (padded to 4)
    swin_case("w4_local", 16, 2, 16, [2, 2], [2, 4], 4, 12, False)
    # window 2, three stages: grids 8 and 4 shifted by 1, then 2 (whole grid); masked
    swin_case("w2_three_stages_masked", 16, 2, 8, [2, 2, 2], [1, 2, 2], 2, 16, True)
    assert rel_index(2).tolist() == [[4, 3, 1, 0], [5, 4, 2, 1], [7, 6, 4, 3], [8, 7, 5, 4]]


if __name__ == "__main__":
    main()
