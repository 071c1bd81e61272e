#!/usr/bin/env python3
"""Times one ViT-S/16 block forward+backward in PyTorch (CPU), the reference for `ibot bench block`.

Prints one line: `torch_block_ms=<median ms> threads=<n> torch=<version>`.
Usage: /usr/bin/python3 ibot/src/main/resources/org/ibot4j/cli/bench_block_torch.py [--threads 2] [--batch 8] [--reps 10]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--tokens", type=int, default=197)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--heads", type=int, default=6)
    ap.add_argument("--reps", type=int, default=10)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    block = Block(args.dim, args.heads)
    x = torch.randn(args.batch, args.tokens, args.dim, requires_grad=True)
    g = torch.randn(args.batch, args.tokens, args.dim)
    times = []
    for i in range(args.reps + 3):
        t0 = time.perf_counter()
        y = block(x)
        y.backward(g)
        dt = (time.perf_counter() - t0) * 1000
        block.zero_grad(set_to_none=True)
        x.grad = None
        if i >= 3:
            times.append(dt)
    print(f"torch_block_ms={statistics.median(times):.2f} threads={args.threads} torch={torch.__version__}")


if __name__ == "__main__":
    main()
