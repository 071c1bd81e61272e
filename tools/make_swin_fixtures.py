#!/usr/bin/python3
"""Golden data for ibot4j's Swin backbone (spec 4.2), from a small Swin written here from the spec in PyTorch.

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
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                     "ibot", "src", "test", "resources", "fixtures", "swin"))
FORMAT = "ibot4j-torch-v1"
EPS = 1e-6


# ------------------------------------------------------------------------------------------ the model (spec 4.2)

def rel_index(w):
    ys, xs = torch.meshgrid(torch.arange(w), torch.arange(w), indexing="ij")
    ys, xs = ys.flatten(), xs.flatten()
    dy = ys[:, None] - ys[None, :] + w - 1
    dx = xs[:, None] - xs[None, :] + w - 1
    return dy * (2 * w - 1) + dx


def shift_mask(hp, wp, w, s):
    labels = torch.zeros(hp, wp)
    cnt = 0
    for hs in (slice(0, -w), slice(-w, -s), slice(-s, None)):
        for ws in (slice(0, -w), slice(-w, -s), slice(-s, None)):
            labels[hs, ws] = cnt
            cnt += 1
    win = labels.view(hp // w, w, wp // w, w).permute(0, 2, 1, 3).reshape(-1, w * w)
    diff = win[:, :, None] - win[:, None, :]
    return torch.where(diff != 0, torch.tensor(-100.0), torch.tensor(0.0))


class WindowAttention(nn.Module):
    def __init__(self, dim, w, heads):
        super().__init__()
        self.w, self.heads, self.scale = w, heads, (dim // heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * w - 1) ** 2, heads))
        self.register_buffer("relative_position_index", rel_index(w))
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        a = q @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1).permute(2, 0, 1)
        a = a + bias.unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            a = (a.view(b // nw, nw, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)).view(b, self.heads, n, n)
        a = a.softmax(-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, w, shift):
        super().__init__()
        self.w, self.shift = w, shift
        self.norm1 = nn.LayerNorm(dim, eps=EPS)
        self.attn = WindowAttention(dim, w, heads)
        self.norm2 = nn.LayerNorm(dim, eps=EPS)
        self.mlp = Mlp(dim, 4 * dim)

    def forward(self, x):
        n, l, c = x.shape
        h = wd = int(l ** 0.5)
        w, s = self.w, self.shift
        t = self.norm1(x).view(n, h, wd, c)
        pb, pr = (w - h % w) % w, (w - wd % w) % w
        t = F.pad(t, (0, 0, 0, pr, 0, pb))
        hp, wp = h + pb, wd + pr
        mask = None
        if s > 0:
            t = torch.roll(t, shifts=(-s, -s), dims=(1, 2))
            mask = shift_mask(hp, wp, w, s)
        win = t.view(n, hp // w, w, wp // w, w, c).permute(0, 1, 3, 2, 4, 5).reshape(-1, w * w, c)
        win = self.attn(win, mask)
        t = win.view(n, hp // w, wp // w, w, w, c).permute(0, 1, 3, 2, 4, 5).reshape(n, hp, wp, c)
        if s > 0:
            t = torch.roll(t, shifts=(s, s), dims=(1, 2))
        t = t[:, :h, :wd, :].reshape(n, h * wd, c)
        x = x + t
        return x + self.mlp(self.norm2(x))


class PatchMerging(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(4 * dim, eps=EPS)

    def forward(self, x):
        n, l, c = x.shape
        h = wd = int(l ** 0.5)
        t = x.view(n, h, wd, c)
        t = F.pad(t, (0, 0, 0, wd % 2, 0, h % 2))
        t = torch.cat([t[:, 0::2, 0::2], t[:, 1::2, 0::2], t[:, 0::2, 1::2], t[:, 1::2, 1::2]], -1)
        return self.reduction(self.norm(t.view(n, -1, 4 * c)))


class Stage(nn.Module):
    def __init__(self, dim, depth, heads, w, shift, last):
        super().__init__()
        self.blocks = nn.ModuleList([Block(dim, heads, w, 0 if b % 2 == 0 else shift) for b in range(depth)])
        self.downsample = None if last else PatchMerging(dim)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x if self.downsample is None else self.downsample(x)


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, patch)
        self.norm = nn.LayerNorm(dim, eps=EPS)

    def forward(self, x):
        return self.norm(self.proj(x).flatten(2).transpose(1, 2))


class Swin(nn.Module):
    def __init__(self, img, patch, dim, depths, heads, window):
        super().__init__()
        self.patch, self.stride = patch, patch * 2 ** (len(depths) - 1)
        self.patch_embed = PatchEmbed(patch, dim)
        layers = []
        res = img // patch
        for s, (d, h) in enumerate(zip(depths, heads)):
            w, shift = (res, 0) if res <= window else (window, window // 2)
            layers.append(Stage(dim * 2 ** s, d, h, w, shift, s == len(depths) - 1))
            res //= 2
        self.layers = nn.ModuleList(layers)
        self.norm = nn.LayerNorm(dim * 2 ** (len(depths) - 1), eps=EPS)
        self.masked_embed = nn.Parameter(torch.zeros(1, dim))

    def forward(self, x, mask=None):
        t = self.patch_embed(x)
        if mask is not None:
            r = self.stride // self.patch
            m = mask.repeat_interleave(r, 1).repeat_interleave(r, 2).flatten(1).bool()
            t = torch.where(m.unsqueeze(-1), self.masked_embed.unsqueeze(0).to(t.dtype), t)
        for layer in self.layers:
            t = layer(t)
        t = self.norm(t)
        return torch.cat([t.mean(1, keepdim=True), t], 1)


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
