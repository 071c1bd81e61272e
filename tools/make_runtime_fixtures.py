#!/usr/bin/python3
"""Golden data for ibot4j's runtime ops, computed with PyTorch (float32, CPU).

Writes one folder per case under runtime/src/test/resources/fixtures/torch/<case>/ in the same format as
/work/shared/fixtures/official: manifest.json lists every tensor ({file, dtype, shape, numel, sum, abs_max})
plus a `meta` object describing the case; each tensor is a raw little-endian float32 C-order .bin file.

Naming inside an op case: inputs under their own name ("a", "x", ...), forward outputs "out" (or named
outputs), the fixed random upstream gradient of an output "gout" (or "gout_<output>"), and the gradient of
the objective sum(out * gout) with respect to input "a" as "grad_a". Integer arguments (indices) go in meta.

Deterministic: every case reseeds torch with a CRC of its name, runs single-threaded, and the folder is
wiped before writing. Usage: /usr/bin/python3 tools/make_runtime_fixtures.py [case-name-substring ...]
"""
import json
import math
import os
import shutil
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                     "runtime", "src", "test", "resources", "fixtures", "torch"))
FORMAT = "ibot4j-torch-v1"


class Case:
    """Tensors and meta of one fixture folder."""

    def __init__(self, name, meta=None):
        self.name = name
        self.meta = dict(meta or {})
        self.tensors = {}

    def put(self, key, t):
        if key in self.tensors:
            raise ValueError(f"{self.name}: tensor {key} stored twice")
        # a copy: a tensor's numpy() view would follow later in-place updates (optimiser steps)
        a = t.detach().to(torch.float32).numpy() if isinstance(t, torch.Tensor) else np.asarray(t, np.float32)
        self.tensors[key] = np.array(a, dtype="<f4", order="C", copy=True)  # keeps 0-d shapes

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
        manifest = {"format": FORMAT, "meta": self.meta, "tensors": entries}
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=False)
            f.write("\n")
        return sum(a.nbytes for a in self.tensors.values())


def op_case(name, fn, expr, inputs, nondiff=(), meta=None, no_gout=()):
    """Runs fn(dict of leaves) -> tensor or dict of tensors; stores inputs, outputs, upstream grads, grads."""
    leaves = {k: v.detach().clone().requires_grad_(k not in nondiff) for k, v in inputs.items()}
    res = fn(leaves)
    outs = res if isinstance(res, dict) else {"out": res}
    loss = None
    gouts = {}
    for k, o in outs.items():
        if k in no_gout or not o.requires_grad:
            continue
        g = torch.randn(o.shape)
        gouts[k] = g
        term = (o * g).sum()
        loss = term if loss is None else loss + term
    loss.backward()
    c = Case(name, {"expr": expr, "inputs": list(inputs), "outputs": list(outs),
                   "differentiable": [k for k in inputs if k not in nondiff], **(meta or {})})
    for k, v in inputs.items():
        c.put(k, v)
    for k, o in outs.items():
        c.put(k, o)
    for k, g in gouts.items():
        c.put("gout" if k == "out" else "gout_" + k, g)
    for k, leaf in leaves.items():
        if k in nondiff:
            continue
        if leaf.grad is None:
            raise RuntimeError(f"{name}: no gradient reached input {k}")
        c.put("grad_" + k, leaf.grad)
    return c


def rnd(*shape):
    return torch.randn(*shape)


def positive(*shape):
    return torch.rand(*shape) * 1.5 + 0.5


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ------------------------------------------------------------------------------------------ elementwise

@case
def add_bcast():
    return op_case("add_bcast", lambda t: t["a"] + t["b"], "a + b", {"a": rnd(2, 3, 4), "b": rnd(3, 1)})


@case
def sub_bcast():
    return op_case("sub_bcast", lambda t: t["a"] - t["b"], "a - b", {"a": rnd(2, 3, 4), "b": rnd(4)})


@case
def mul_bcast():
    return op_case("mul_bcast", lambda t: t["a"] * t["b"], "a * b (both broadcast)", {"a": rnd(2, 1, 4), "b": rnd(3, 1)})


@case
def div_bcast():
    return op_case("div_bcast", lambda t: t["a"] / t["b"], "a / b", {"a": rnd(2, 3, 4), "b": positive(1, 3, 4)})


@case
def add_scalar():
    return op_case("add_scalar", lambda t: t["x"] + 1.5, "x + 1.5", {"x": rnd(3, 5)}, meta={"scalar": 1.5})


@case
def mul_scalar():
    return op_case("mul_scalar", lambda t: t["x"] * -2.5, "x * -2.5", {"x": rnd(3, 5)}, meta={"scalar": -2.5})


@case
def exp():
    return op_case("exp", lambda t: t["x"].exp(), "exp(x)", {"x": rnd(3, 5)})


@case
def log():
    return op_case("log", lambda t: t["x"].log(), "log(x), x in [0.5, 2)", {"x": positive(3, 5)})


@case
def sqrt():
    return op_case("sqrt", lambda t: t["x"].sqrt(), "sqrt(x), x in [0.5, 2)", {"x": positive(3, 5)})


@case
def tanh():
    return op_case("tanh", lambda t: t["x"].tanh(), "tanh(x)", {"x": rnd(3, 5) * 1.5})


@case
def pow_int():
    return op_case("pow_int", lambda t: t["x"].pow(3.0), "x ** 3 (signed x)", {"x": rnd(3, 5)}, meta={"exponent": 3.0})


@case
def pow_frac():
    return op_case("pow_frac", lambda t: t["x"].pow(2.5), "x ** 2.5 (x in [0.5, 2))", {"x": positive(3, 5)},
                   meta={"exponent": 2.5})


@case
def relu():
    return op_case("relu", lambda t: t["x"].relu(), "relu(x)", {"x": rnd(3, 5)})


# ------------------------------------------------------------------------------------------ reductions

def _reduce(name, fn, expr):
    return op_case(name, fn, expr, {"x": rnd(2, 3, 4)})


@case
def sum_dim():
    return _reduce("sum_dim", lambda t: t["x"].sum(1), "x.sum(1)")


@case
def sum_dim_keep():
    return _reduce("sum_dim_keep", lambda t: t["x"].sum(-1, keepdim=True), "x.sum(-1, keepdim=True)")


@case
def sum_dims_keep():
    return _reduce("sum_dims_keep", lambda t: t["x"].sum((0, 2), keepdim=True), "x.sum((0, 2), keepdim=True)")


@case
def sum_all():
    return _reduce("sum_all", lambda t: t["x"].sum(), "x.sum()")


@case
def mean_dim():
    return _reduce("mean_dim", lambda t: t["x"].mean(1), "x.mean(1)")


@case
def mean_dim_keep():
    return _reduce("mean_dim_keep", lambda t: t["x"].mean(-1, keepdim=True), "x.mean(-1, keepdim=True)")


@case
def mean_all():
    return _reduce("mean_all", lambda t: t["x"].mean(), "x.mean()")


@case
def max_dim():
    return _reduce("max_dim", lambda t: t["x"].max(1).values, "x.max(1).values")


@case
def max_dim_keep():
    return _reduce("max_dim_keep", lambda t: t["x"].max(-1, keepdim=True).values, "x.max(-1, keepdim=True).values")


# ------------------------------------------------------------------------------------------ shape ops

@case
def reshape():
    return op_case("reshape", lambda t: t["x"].reshape(4, 6), "x.reshape(4, 6)", {"x": rnd(2, 3, 4)})


@case
def permute():
    return op_case("permute", lambda t: t["x"].permute(2, 0, 1).contiguous(), "x.permute(2, 0, 1).contiguous()",
                   {"x": rnd(2, 3, 4)})


@case
def transpose():
    return op_case("transpose", lambda t: t["x"].transpose(0, 2).contiguous(), "x.transpose(0, 2).contiguous()",
                   {"x": rnd(2, 3, 4)})


@case
def expand():
    return op_case("expand", lambda t: t["x"].expand(2, 3, 4), "x.expand(2, 3, 4) for x [3, 1]", {"x": rnd(3, 1)})


@case
def slice_range():
    return op_case("slice_range", lambda t: t["x"][:, 1:3], "x[:, 1:3]", {"x": rnd(2, 4, 5)})


@case
def slice_step():
    return op_case("slice_step", lambda t: t["x"][:, :, 0:5:2], "x[:, :, 0:5:2]", {"x": rnd(2, 4, 5)})


@case
def select():
    return op_case("select", lambda t: t["x"][:, 1], "x[:, 1] (select)", {"x": rnd(2, 4, 5)})


@case
def cat_dim1():
    return op_case("cat_dim1", lambda t: torch.cat([t["a"], t["b"]], 1), "cat([a, b], 1)",
                   {"a": rnd(2, 3, 4), "b": rnd(2, 5, 4)})


@case
def cat_dim0():
    return op_case("cat_dim0", lambda t: torch.cat([t["a"], t["b"], t["c"]], 0), "cat([a, b, c], 0)",
                   {"a": rnd(1, 4), "b": rnd(3, 4), "c": rnd(2, 4)})


@case
def split():
    def fn(t):
        parts = torch.split(t["x"], 3, 0)
        return {f"out{i}": p for i, p in enumerate(parts)}
    return op_case("split", fn, "split(x, 3, dim=0) -> out0, out1, out2", {"x": rnd(7, 4)})


@case
def index_select():
    index = [2, 0, 2, 3]
    return op_case("index_select", lambda t: t["x"].index_select(1, torch.tensor(index)),
                   "x.index_select(1, index) (repeated index: grads add)", {"x": rnd(2, 4, 3)},
                   meta={"dim": 1, "index": index})


@case
def gather():
    x = rnd(2, 4, 3)
    index = torch.randint(0, 4, (2, 5, 3))
    return op_case("gather", lambda t: t["x"].gather(1, index), "x.gather(1, index)", {"x": x},
                   meta={"dim": 1, "index": index.flatten().tolist(), "index_shape": list(index.shape)})


@case
def masked_fill():
    mask = torch.tensor([[1.0], [0.0], [1.0]])
    return op_case("masked_fill", lambda t: t["x"].masked_fill(t["mask"] != 0, -5.0),
                   "x.masked_fill(mask != 0, -5.0), mask [3, 1] broadcast", {"x": rnd(2, 3, 4), "mask": mask},
                   nondiff=("mask",), meta={"value": -5.0})


@case
def where():
    cond = (torch.rand(3, 4) > 0.5).float()
    return op_case("where", lambda t: torch.where(t["cond"] != 0, t["a"], t["b"]), "where(cond != 0, a, b)",
                   {"cond": cond, "a": rnd(2, 3, 4), "b": rnd(4)}, nondiff=("cond",))


# ------------------------------------------------------------------------------------------ matmul

@case
def matmul_2d():
    return op_case("matmul_2d", lambda t: t["a"] @ t["b"], "a @ b", {"a": rnd(5, 7), "b": rnd(7, 3)})


@case
def bmm():
    return op_case("bmm", lambda t: torch.bmm(t["a"], t["b"]), "bmm(a, b)", {"a": rnd(2, 5, 7), "b": rnd(2, 7, 3)})


@case
def matmul_tt():
    return op_case("matmul_tt", lambda t: t["a"].t() @ t["b"].t(), "a.T @ b.T", {"a": rnd(7, 5), "b": rnd(3, 7)})


@case
def matmul_nt_batched():
    return op_case("matmul_nt_batched", lambda t: t["q"] @ t["k"].transpose(-2, -1), "q @ k.transpose(-2, -1)",
                   {"q": rnd(2, 3, 5, 4), "k": rnd(2, 3, 6, 4)})


@case
def matmul_tn_batched():
    return op_case("matmul_tn_batched", lambda t: t["a"].transpose(-2, -1) @ t["b"], "a.transpose(-2, -1) @ b",
                   {"a": rnd(2, 4, 5), "b": rnd(2, 4, 3)})


@case
def matmul_4d_2d():
    return op_case("matmul_4d_2d", lambda t: t["a"] @ t["b"], "a @ b, a 4-D, b 2-D", {"a": rnd(2, 3, 5, 4), "b": rnd(4, 6)})


@case
def matmul_bcast_batch():
    return op_case("matmul_bcast_batch", lambda t: t["a"] @ t["b"], "a [2,1,5,4] @ b [3,4,6] (batch broadcast)",
                   {"a": rnd(2, 1, 5, 4), "b": rnd(3, 4, 6)})


# ------------------------------------------------------------------------------------------ nn ops

@case
def linear():
    return op_case("linear", lambda t: F.linear(t["x"], t["weight"], t["bias"]), "F.linear(x, weight, bias)",
                   {"x": rnd(2, 5, 8), "weight": rnd(6, 8) * 0.3, "bias": rnd(6)})


@case
def linear_nobias():
    return op_case("linear_nobias", lambda t: F.linear(t["x"], t["weight"]), "F.linear(x, weight)",
                   {"x": rnd(4, 8), "weight": rnd(6, 8) * 0.3})


@case
def conv_patch():
    return op_case("conv_patch", lambda t: F.conv2d(t["x"], t["weight"], t["bias"], stride=4),
                   "F.conv2d(x, weight, bias, stride=4), kernel 4 (patch embed)",
                   {"x": rnd(2, 3, 8, 8), "weight": rnd(5, 3, 4, 4) * 0.2, "bias": rnd(5)}, meta={"patch": 4})


@case
def conv_patch_trailing():
    return op_case("conv_patch_trailing", lambda t: F.conv2d(t["x"], t["weight"], t["bias"], stride=4),
                   "F.conv2d(x, weight, bias, stride=4) on 9x10: trailing pixels dropped, their grad 0",
                   {"x": rnd(1, 3, 9, 10), "weight": rnd(5, 3, 4, 4) * 0.2, "bias": rnd(5)}, meta={"patch": 4})


@case
def softmax_last():
    return op_case("softmax_last", lambda t: t["x"].softmax(-1), "x.softmax(-1)", {"x": rnd(2, 3, 5) * 2})


@case
def softmax_mid():
    return op_case("softmax_mid", lambda t: t["x"].softmax(1), "x.softmax(1)", {"x": rnd(2, 5, 3) * 2})


@case
def log_softmax_last():
    return op_case("log_softmax_last", lambda t: t["x"].log_softmax(-1), "x.log_softmax(-1)", {"x": rnd(2, 3, 5) * 2})


@case
def log_softmax_mid():
    return op_case("log_softmax_mid", lambda t: t["x"].log_softmax(1), "x.log_softmax(1)", {"x": rnd(2, 5, 3) * 2})


@case
def layer_norm():
    return op_case("layer_norm", lambda t: F.layer_norm(t["x"], (16,), t["weight"], t["bias"], eps=1e-6),
                   "F.layer_norm(x, (16,), weight, bias, eps=1e-6)",
                   {"x": rnd(2, 3, 16) * 2 + 0.5, "weight": 1 + 0.2 * rnd(16), "bias": 0.2 * rnd(16)}, meta={"eps": 1e-6})


@case
def gelu():
    return op_case("gelu", lambda t: F.gelu(t["x"]), "F.gelu(x) (exact erf)", {"x": rnd(3, 17) * 2})


@case
def normalize():
    x = rnd(4, 6)
    x[2] *= 1e-3  # a short row
    return op_case("normalize", lambda t: F.normalize(t["x"], dim=-1), "F.normalize(x, dim=-1) (eps 1e-12)", {"x": x},
                   meta={"dim": -1, "eps": 1e-12})


@case
def weight_norm():
    lin = nn.utils.weight_norm(nn.Linear(6, 4, bias=False), name="weight", dim=0)
    with torch.no_grad():
        lin.weight_g.copy_(positive(4, 1))
        lin.weight_v.copy_(rnd(4, 6))
    g0, v0 = lin.weight_g.detach().clone(), lin.weight_v.detach().clone()
    return op_case("weight_norm", lambda t: torch._weight_norm(t["v"], t["g"], 0),
                   "W = g * v / ||v|| (norm per row, dim=0), as nn.utils.weight_norm", {"g": g0, "v": v0})


@case
def soft_cross_entropy():
    targets = rnd(2, 3, 7).softmax(-1)
    return op_case("soft_cross_entropy", lambda t: torch.sum(-t["targets"] * F.log_softmax(t["logits"], dim=-1), dim=-1),
                   "sum(-targets * log_softmax(logits, -1), -1)", {"logits": rnd(2, 3, 7) * 2, "targets": targets},
                   meta={"dim": -1})


def _bicubic_spec(x, gh, gw):
    """Spec 4.1.1 in float64: src = (dst + 0.5) * s / (g + 0.1) - 0.5, clamped taps, A = -0.75."""
    a = -0.75

    def w(d):
        d = abs(d)
        if d <= 1:
            return (a + 2) * d ** 3 - (a + 3) * d ** 2 + 1
        if d < 2:
            return a * d ** 3 - 5 * a * d ** 2 + 8 * a * d - 4 * a
        return 0.0

    def matrix(s, g):
        m = np.zeros((g, s))
        for o in range(g):
            src = (o + 0.5) * s / (g + 0.1) - 0.5
            i0 = math.floor(src)
            t = src - i0
            for k, wt in zip(range(i0 - 1, i0 + 3), (w(t + 1), w(t), w(1 - t), w(2 - t))):
                m[o, min(max(k, 0), s - 1)] += wt
        return m

    xs = x.detach().double().numpy()
    mh, mw = matrix(xs.shape[2], gh), matrix(xs.shape[3], gw)
    return np.einsum("oh,nchw,pw->ncop", mh, xs, mw)


def _bicubic(name, d, s, gh, gw):
    sh, sw = (gh + 0.1) / s, (gw + 0.1) / s
    x = rnd(1, d, s, s)
    c = op_case(name, lambda t: F.interpolate(t["x"], scale_factor=(sh, sw), mode="bicubic", align_corners=False),
                "F.interpolate(x, scale_factor=((gh+0.1)/s, (gw+0.1)/s), mode='bicubic', align_corners=False)",
                {"x": x}, meta={"s": s, "gh": gh, "gw": gw, "scale_h": sh, "scale_w": sw})
    out = c.tensors["out"].astype(np.float64)
    spec = _bicubic_spec(x, gh, gw)
    size_ratio = F.interpolate(x, size=(gh, gw), mode="bicubic", align_corners=False).double().numpy()
    if out.shape != spec.shape:
        raise RuntimeError(f"{name}: torch output {out.shape} != spec output {spec.shape}")
    c.meta["max_abs_diff_vs_spec_formula_f64"] = float(np.abs(out - spec).max())
    c.meta["max_abs_diff_vs_size_based_resize"] = float(np.abs(out - size_ratio).max())
    return c


@case
def bicubic_4_to_3():
    return _bicubic("bicubic_4_to_3", 3, 4, 3, 3)


@case
def bicubic_4_to_6():
    return _bicubic("bicubic_4_to_6", 3, 4, 6, 6)


@case
def bicubic_4_to_3x6():
    return _bicubic("bicubic_4_to_3x6", 2, 4, 3, 6)


@case
def bicubic_14_to_6():
    return _bicubic("bicubic_14_to_6", 3, 14, 6, 6)


@case
def attention():
    scale = 8 ** -0.5

    def fn(t):
        probs = (t["q"] @ t["k"].transpose(-2, -1) * scale).softmax(-1)
        return {"out": probs @ t["v"], "probs": probs}
    return op_case("attention", fn, "probs = softmax(q @ k^T * scale, -1); out = probs @ v (gout on out only)",
                   {"q": rnd(2, 4, 7, 8) * 1.5, "k": rnd(2, 4, 7, 8) * 1.5, "v": rnd(2, 4, 7, 8)},
                   no_gout=("probs",), meta={"scale": scale})


# ------------------------------------------------------------------------------------------ ViT block

class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Attention(nn.Module):
    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x), attn


class Block(nn.Module):
    """Pre-norm ViT block as in DINO/iBOT (no dropout, no drop path)."""

    def __init__(self, dim, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        y, attn = self.attn(self.norm1(x))
        x = x + y
        return x + self.mlp(self.norm2(x)), attn


@case
def vit_block():
    dim, heads = 64, 4
    block = Block(dim, heads)
    with torch.no_grad():
        for name, p in block.named_parameters():
            if name.startswith("norm") and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape))
            elif name == "attn.qkv.weight":
                p.mul_(3.0)  # peakier attention than the default init
    x = rnd(2, 9, dim).requires_grad_(True)
    out, attn = block(x)
    gout = torch.randn(out.shape)
    (out * gout).sum().backward()
    names = [n for n, _ in block.named_parameters()]
    c = Case("vit_block", {
        "expr": "x = x + attn(norm1(x)); x = x + mlp(norm2(x)) (timm/DINO pre-norm block, eval, no dropout)",
        "dim": dim, "num_heads": heads, "mlp_ratio": 4, "qkv_bias": True, "layernorm_eps": 1e-6, "gelu": "exact erf",
        "attn_scale": (dim // heads) ** -0.5, "params": names,
        "layout": "param/<state-dict name>, grad/<state-dict name>; attn = last attention probabilities [B,H,N,N]"})
    c.put("x", x)
    c.put("out", out)
    c.put("gout", gout)
    c.put("grad_x", x.grad)
    c.put("attn", attn)
    for n, p in block.named_parameters():
        c.put("param/" + n, p)
    for n, p in block.named_parameters():
        c.put("grad/" + n, p.grad)
    return c


# ------------------------------------------------------------------------------------------ AdamW

@case
def adamw():
    lr, wd, betas, eps = 1e-3, 0.05, (0.9, 0.999), 1e-8
    init = {"w": rnd(4, 3), "b": rnd(3), "frozen2": rnd(2, 2)}
    grads = {1: {"w": rnd(4, 3), "b": rnd(3), "frozen2": rnd(2, 2)},
             2: {"w": rnd(4, 3) * 3, "b": rnd(3) * 0.01}}
    params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
    opt = torch.optim.AdamW([{"params": [params["w"], params["frozen2"]]},
                             {"params": [params["b"]], "weight_decay": 0.0}],
                            lr=lr, betas=betas, eps=eps, weight_decay=wd)
    c = Case("adamw", {
        "expr": "torch.optim.AdamW, two steps; group 0 = [w, frozen2] (weight_decay 0.05), group 1 = [b] (weight_decay 0)",
        "lr": lr, "weight_decay": wd, "betas": list(betas), "eps": eps, "amsgrad": False,
        "groups": [{"params": ["w", "frozen2"], "weight_decay": wd}, {"params": ["b"], "weight_decay": 0.0}],
        "notes": "frozen2 has a gradient in step 1 only: step 2 must leave it (and its state) untouched",
        "layout": "init/<p>, grad<step>/<p> (the gradient set before step), step<step>/<p> (params after the step)"})
    for k, v in init.items():
        c.put("init/" + k, v)
    for step in (1, 2):
        opt.zero_grad(set_to_none=True)
        for k, g in grads[step].items():
            params[k].grad = g.clone()
            c.put(f"grad{step}/{k}", g)
        opt.step()
        for k, p in params.items():
            c.put(f"step{step}/{k}", p)
    if not np.array_equal(c.tensors["step1/frozen2"], c.tensors["step2/frozen2"]):
        raise RuntimeError("adamw: frozen2 changed in step 2")
    return c


# ------------------------------------------------------------------------------------------ official fixture

OFFICIAL = "/work/shared/fixtures/official/vit_micro"
OFFICIAL_OUT = os.path.join(os.path.dirname(ROOT), "official", "vit_micro")


def copy_official_blocks():
    """Copies what the official two-block test needs (block params, prepared tokens, block outputs)."""
    if not os.path.isdir(OFFICIAL):
        print(f"  (no {OFFICIAL}: official block fixture not refreshed)")
        return 0
    with open(os.path.join(OFFICIAL, "manifest.json")) as f:
        src = json.load(f)
    keep = {k: v for k, v in src["tensors"].items()
            if k in ("prepared_tokens", "block_out/0", "block_out/1") or k.startswith("state/blocks.")}
    if os.path.isdir(OFFICIAL_OUT):
        shutil.rmtree(OFFICIAL_OUT)
    total = 0
    for k, v in keep.items():
        dst = os.path.join(OFFICIAL_OUT, v["file"])
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.join(OFFICIAL, v["file"]), dst)
        total += os.path.getsize(dst)
    m = src["meta"]
    meta = {"source": OFFICIAL + " (subset: blocks 0 and 1 only)",
            **{k: m[k] for k in ("builder", "builder_kwargs", "embed_dim", "depth", "num_heads", "torch",
                                 "ibot_commit", "perturbation", "semantics", "suggested_tolerance") if k in m}}
    with open(os.path.join(OFFICIAL_OUT, "manifest.json"), "w") as f:
        json.dump({"format": src.get("format"), "meta": meta, "tensors": keep}, f, indent=1)
        f.write("\n")
    print(f"  official/vit_micro     {len(keep):3d} tensors {total:8d} B  (copied)")
    return total


def main(argv):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    wanted = argv[1:]
    os.makedirs(ROOT, exist_ok=True)
    total = 0
    print(f"torch {torch.__version__} -> {ROOT}")
    for fn in CASES:
        if wanted and not any(w in fn.__name__ for w in wanted):
            continue
        torch.manual_seed(zlib.crc32(fn.__name__.encode()))
        c = fn()
        if c.name != fn.__name__:
            raise RuntimeError(f"case {fn.__name__} named itself {c.name}")
        size = c.write()
        total += size
        extra = {k: v for k, v in c.meta.items() if k.startswith("max_abs_diff")}
        print(f"  {c.name:22s} {len(c.tensors):3d} tensors {size:8d} B  {extra if extra else ''}")
    if not wanted or "official" in wanted:
        total += copy_official_blocks()
    print(f"total {total} bytes of tensor data")


if __name__ == "__main__":
    main(sys.argv)
