#!/usr/bin/env python3
"""Times one iBOT training step in PyTorch (CPU), the reference for `ibot bench step`.

ViT (DINO/iBOT structure) student + EMA teacher, iBOT head with a shared weight-normed last layer, the iBOT loss
(CLS cross-view distillation + masked-patch self-distillation with centers), AdamW, per-parameter clipping, EMA.
Prints one line: `torch_step_ms=<median ms> threads=<n> torch=<version> peak_rss_mb=<MB>`.
The model classes (ViT, Head) and ibot_loss are also those of tools/gpu_step_torch.py, which imports them from here.
"""
import argparse
import copy
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        a = ((q @ k.transpose(-2, -1)) * self.scale).softmax(-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=1e-6), Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, dim=384, depth=12, heads=6, patch=16, img=224):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, 1 + (img // patch) ** 2, dim) * 0.02)
        self.masked_embed = nn.Parameter(torch.zeros(1, dim))
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def pos(self, n):
        if n == self.pos_embed.shape[1] - 1:
            return self.pos_embed
        s, g = int((self.pos_embed.shape[1] - 1) ** 0.5), int(n ** 0.5)
        p = self.pos_embed[:, 1:].reshape(1, s, s, -1).permute(0, 3, 1, 2)
        p = F.interpolate(p, scale_factor=((g + 0.1) / s, (g + 0.1) / s), mode="bicubic")
        return torch.cat([self.pos_embed[:, :1], p.permute(0, 2, 3, 1).flatten(1, 2)], 1)

    def forward(self, x, mask=None):
        x = self.patch_embed(x)
        if mask is not None:
            x = torch.where(mask.unsqueeze(1), self.masked_embed.to(x.dtype).reshape(1, -1, 1, 1), x)
        x = x.flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1).to(x.dtype), x], 1)  # x is bf16 under autocast
        x = x + self.pos(x.shape[1] - 1)
        for b in self.blocks:
            x = b(x)
        return self.norm(x)


class Head(nn.Module):
    def __init__(self, dim, out_dim, hidden=2048, bottleneck=256):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU(),
                                 nn.Linear(hidden, bottleneck))
        self.last_layer = nn.utils.weight_norm(nn.Linear(bottleneck, out_dim, bias=False))
        self.last_layer.weight_g.data.fill_(1)
        self.last_layer.weight_g.requires_grad = False

    def forward(self, x):
        return self.last_layer(F.normalize(self.mlp(x), dim=-1, p=2))


def ibot_loss(t_out, s_out, s_loc, masks, center, center2, local_crops):
    """The iBOT loss of one step: teacher outputs [2B, 1+P, K] of the global crops, student outputs of the global crops
    (masked) [2B, 1+P, K] and the local crops' CLS [L*B, K]; masks [2B, h, w]; CLS and patch centers. Mean over the
    CLS cross-view terms and the masked-patch terms (teacher temperature 0.04, student 0.1)."""
    t_cls = F.softmax((t_out[:, 0] - center) / 0.04, -1).chunk(2)
    t_patch = F.softmax((t_out[:, 1:] - center2) / 0.04, -1).chunk(2)
    s_cls = (torch.cat([s_out[:, 0], s_loc]) / 0.1).chunk(2 + local_crops)
    s_patch = (s_out[:, 1:] / 0.1).chunk(2)
    m = masks.flatten(1).float().chunk(2)
    loss, n = 0, 0
    for q in range(2):
        for v in range(len(s_cls)):
            if v == q:
                l2 = torch.sum(-t_patch[q] * F.log_softmax(s_patch[v], -1), -1)
                loss = loss + ((l2 * m[v]).sum(-1) / m[v].sum(-1).clamp(min=1.0)).mean()
            else:
                loss = loss + torch.sum(-t_cls[q] * F.log_softmax(s_cls[v], -1), -1).mean()
            n += 1
    return loss / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--out_dim", type=int, default=8192)
    ap.add_argument("--local_crops", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    B, K = args.batch, args.out_dim
    sb, sh = ViT(), Head(384, K)
    tb, th = copy.deepcopy(sb), Head(384, K)
    th.load_state_dict(sh.state_dict())
    for p in list(tb.parameters()) + list(th.parameters()):
        p.requires_grad = False
    params = [p for p in list(sb.parameters()) + list(sh.parameters()) if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.04)
    center, center2 = torch.zeros(1, K), torch.zeros(1, 1, K)
    glob = torch.randn(2 * B, 3, 224, 224)
    loc = torch.randn(args.local_crops * B, 3, 96, 96)
    masks = torch.rand(2 * B, 14, 14) < 0.3
    times = []
    for i in range(args.reps + 2):
        t0 = time.perf_counter()
        with torch.no_grad():
            t_out = th(tb(glob))
        s_out = sh(sb(glob, masks))
        s_loc = sh(sb(loc)[:, 0])
        loss = ibot_loss(t_out, s_out, s_loc, masks, center, center2, args.local_crops)
        opt.zero_grad()
        loss.backward()
        for p in params:
            if p.grad is not None:
                c = 3.0 / (p.grad.norm(2) + 1e-6)
                if c < 1:
                    p.grad.mul_(c)
        opt.step()
        with torch.no_grad():
            center.mul_(0.9).add_(t_out[:, 0].mean(0, keepdim=True), alpha=0.1)
            center2.mul_(0.9).add_(t_out[:, 1:].mean((0, 1)).reshape(1, 1, -1), alpha=0.1)
            for ps, pt in zip(list(sb.parameters()) + list(sh.parameters()), list(tb.parameters()) + list(th.parameters())):
                pt.mul_(0.996).add_(ps.detach(), alpha=0.004)
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch_step_ms={statistics.median(times):.1f} threads={args.threads} torch={torch.__version__} peak_rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
