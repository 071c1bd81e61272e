#!/usr/bin/env python3
"""PyTorch reference for scripts/gpu-check.sh: one iBOT pre-training step on the GPU, and cuBLAS GEMM TFLOP/s.

The step follows the spec (shared/spec/IBOT_SPEC.md): ViT-S/16 student with masked-patch embedding and EMA teacher,
iBOT head with a shared weight-normed last layer (out_dim 8192), 2 global 224-px crops + L local 96-px crops,
loss = CLS cross-view distillation + masked-patch self-distillation with centers, AdamW, per-parameter
gradient clipping at 3.0, teacher EMA and center updates. Modes: fp32 (TF32 off), tf32 (TF32 matmuls),
bf16 (autocast to bfloat16 for GEMMs/attention, fp32 master weights).
The ViT, head and loss are those of ibot/src/main/resources/org/ibot4j/cli/bench_step_torch.py (imported through
tools/reference_models.py, so run this script from a checkout of the repository, as scripts/gpu-check.sh does).

Prints `key=value` lines: torch_gemm_tflops ... and
`torch_step mode=.. batch=.. step_ms=.. images_per_s=.. peak_mem_mib=..`.
"""
import argparse
import copy
import statistics
import time

import torch

from reference_models import load


_model = load("bench_step_torch.py")  # the one copy of the model and loss, shared with `ibot bench step`
ViT, Head, ibot_loss = _model.ViT, _model.Head, _model.ibot_loss


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
        loss = ibot_loss(t_out, s_out, s_loc, masks, center, center2, L)
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
        reserved = torch.cuda.max_memory_reserved() / 2 ** 20 if cuda else float("nan")
        print(f"torch_step mode={mode} arch=vit_small/16 batch={args.batch} crops=2x224+{args.local_crops}x96 "
              f"out_dim={args.out_dim} step_ms={ms:.1f} images_per_s={args.batch / (ms / 1e3):.1f} "
              f"peak_mem_mib={peak:.0f} peak_reserved_mib={reserved:.0f} loss={loss.item():.4f}")
        del one
        if not torch.isfinite(loss):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
