#!/usr/bin/env python3
"""Times a Swin forward+backward in PyTorch (CPU), the reference for `ibot bench swin` (Swin-T/7, batch 8, 224 px).

The model is the spec-4.2 Swin (same layout as ibot4j's, no drop path); tools/make_swin_fixtures.py imports it from
here, so the fixtures and this benchmark share one copy.
Prints one line: `torch_swin_ms=<median ms> threads=<n> params=<count> torch=<version>`.
Usage: /usr/bin/python3 ibot/src/main/resources/org/ibot4j/cli/bench_swin_torch.py [--threads 2] [--batch 8] [--reps 3]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-6


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--img", type=int, default=224)
    ap.add_argument("--patch", type=int, default=4)
    ap.add_argument("--dim", type=int, default=96)
    ap.add_argument("--depths", default="2,2,6,2")
    ap.add_argument("--heads", default="3,6,12,24")
    ap.add_argument("--window", type=int, default=7)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    depths = [int(v) for v in args.depths.split(",")]
    heads = [int(v) for v in args.heads.split(",")]
    model = Swin(args.img, args.patch, args.dim, depths, heads, args.window)
    params = sum(p.numel() for n, p in model.named_parameters() if n != "masked_embed")
    x = torch.randn(args.batch, 3, args.img, args.img)
    g = None
    times = []
    for i in range(args.reps + 1):
        t0 = time.perf_counter()
        y = model(x)
        if g is None:
            g = torch.randn(y.shape)
        y.backward(g)
        dt = (time.perf_counter() - t0) * 1000
        model.zero_grad(set_to_none=True)
        if i >= 1:
            times.append(dt)
    print(f"torch_swin_ms={statistics.median(times):.2f} threads={args.threads} params={params} torch={torch.__version__}")


if __name__ == "__main__":
    main()
