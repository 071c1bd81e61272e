#!/usr/bin/env python3
"""PyTorch reference for scripts/gpu-check.sh: one iBOT pre-training step on the GPU, and cuBLAS GEMM TFLOP/s.

The step follows the spec (shared/spec/IBOT_SPEC.md): ViT-S/16 student with masked-patch embedding and EMA teacher,
iBOT head with a shared weight-normed last layer (out_dim 8192), 2 global 224-px crops + L local 96-px crops,
loss = CLS cross-view distillation + masked-patch self-distillation with centers, AdamW, per-parameter
gradient clipping at 3.0, teacher EMA and center updates. Modes: fp32 (TF32 off), tf32 (TF32 matmuls),
bf16 (autocast to bfloat16 for GEMMs/attention, fp32 master weights).

Prints `key=value` lines: torch_gemm_tflops ... and
`torch_step mode=.. batch=.. step_ms=.. images_per_s=.. peak_mem_mib=..`.
"""
import argparse
import copy
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        a = ((q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5).softmax(-1)
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
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1).to(x.dtype), x], 1)
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


def gemm_tflops(dev, m, n, k, dtype, reps=20):
    a = torch.randn(m, k, device=dev, dtype=dtype)
    b = torch.randn(k, n, device=dev, dtype=dtype)
    for _ in range(3):
        a @ b
    torch.cuda.synchronize()
    e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    e0.record()
    for _ in range(reps):
        a @ b
    e1.record()
    torch.cuda.synchronize()
    return 2.0 * m * n * k / (e0.elapsed_time(e1) / 1e3 / reps) / 1e12


def step_fn(args, dev):
    B, K, L = args.batch, args.out_dim, args.local_crops
    torch.manual_seed(0)
    sb, sh = ViT().to(dev), Head(384, K).to(dev)
    tb, th = copy.deepcopy(sb), Head(384, K).to(dev)
    th.load_state_dict(sh.state_dict())
    for p in list(tb.parameters()) + list(th.parameters()):
        p.requires_grad = False
    params = [p for p in list(sb.parameters()) + list(sh.parameters()) if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=5e-4, weight_decay=0.04)
    center, center2 = torch.zeros(1, K, device=dev), torch.zeros(1, 1, K, device=dev)
    glob = torch.randn(2 * B, 3, 224, 224, device=dev)
    loc = torch.randn(L * B, 3, 96, 96, device=dev)
    masks = torch.rand(2 * B, 14, 14, device=dev) < 0.3
    autocast = torch.autocast(dev.type, dtype=torch.bfloat16, enabled=args.mode == "bf16")

    def one():
        with autocast:
            with torch.no_grad():
                t_out = th(tb(glob)).float()
            s_out = sh(sb(glob, masks)).float()
            s_loc = sh(sb(loc)[:, 0]).float()
        t_cls = F.softmax((t_out[:, 0] - center) / 0.04, -1).chunk(2)
        t_patch = F.softmax((t_out[:, 1:] - center2) / 0.04, -1).chunk(2)
        s_cls = (torch.cat([s_out[:, 0], s_loc]) / 0.1).chunk(2 + L)
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
        loss = loss / n
        opt.zero_grad(set_to_none=True)
        loss.backward()
        for p in params:
            if p.grad is not None:
                c = 3.0 / (p.grad.norm(2) + 1e-6)
                p.grad.mul_(torch.clamp(c, max=1.0))
        opt.step()
        with torch.no_grad():
            center.mul_(0.9).add_(t_out[:, 0].mean(0, keepdim=True), alpha=0.1)
            center2.mul_(0.9).add_(t_out[:, 1:].mean((0, 1)).reshape(1, 1, -1), alpha=0.1)
            torch._foreach_mul_(list(tb.parameters()) + list(th.parameters()), 0.996)
            torch._foreach_add_(list(tb.parameters()) + list(th.parameters()),
                                [p.detach() for p in list(sb.parameters()) + list(sh.parameters())], alpha=0.004)
        return loss

    return one


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--out_dim", type=int, default=8192)
    ap.add_argument("--local_crops", type=int, default=10)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--modes", default="fp32,tf32,bf16")
    ap.add_argument("--gemm", action="store_true", help="also time cuBLAS GEMMs through torch.matmul")
    ap.add_argument("--device", default="cuda", help="cuda; cpu only to smoke-test this script without a GPU")
    args = ap.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print("torch_step=FAIL reason=\"torch.cuda.is_available() is False\"")
        raise SystemExit(2)
    dev = torch.device(args.device)
    cuda = dev.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    print(f"torch={torch.__version__} cuda={torch.version.cuda} device=\"{torch.cuda.get_device_name(0) if cuda else 'cpu'}\"")
    if args.gemm and cuda:
        for (m, n, k) in [(4096, 4096, 4096), (8192, 8192, 8192), (64 * 197, 1536, 384), (64 * 197, 384, 1536)]:
            for mode, dtype, tf32 in [("fp32", torch.float32, False), ("tf32", torch.float32, True),
                                      ("bf16", torch.bfloat16, False)]:
                torch.backends.cuda.matmul.allow_tf32 = tf32
                print(f"torch_gemm_tflops mode={mode} m={m} n={n} k={k} tflops={gemm_tflops(dev, m, n, k, dtype):.1f}")
    for mode in args.modes.split(","):
        args.mode = mode
        torch.backends.cuda.matmul.allow_tf32 = mode == "tf32"
        torch.backends.cudnn.allow_tf32 = mode == "tf32"
        if cuda:
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        one = step_fn(args, dev)
        times, loss = [], None
        for i in range(args.reps + 2):
            sync()
            t0 = time.perf_counter()
            loss = one()
            sync()
            if i >= 2:
                times.append((time.perf_counter() - t0) * 1000)
        ms = statistics.median(times)
        peak = torch.cuda.max_memory_allocated() / 2 ** 20 if cuda else float("nan")
        print(f"torch_step mode={mode} arch=vit_small/16 batch={args.batch} crops=2x224+{args.local_crops}x96 "
              f"out_dim={args.out_dim} step_ms={ms:.1f} images_per_s={args.batch / (ms / 1e3):.1f} "
              f"peak_mem_mib={peak:.0f} loss={loss.item():.4f}")
        del one
        if not torch.isfinite(loss):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
