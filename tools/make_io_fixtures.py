#!/usr/bin/python3
"""Fixtures for ibot4j's weight I/O (runtime/io): .pth files written by torch.save, safetensors, .npy.

Writes one folder per case under runtime/src/test/resources/fixtures/io/<case>/: the file under test plus the
expected values in the format of /work/shared/fixtures/official (manifest.json lists every tensor as
{file, dtype, shape, numel, sum, abs_max}; each tensor is a raw little-endian float32 C-order .bin file, whatever
the dtype it was saved with; `meta` holds the plain values a reader must also return).

Expected tensor keys are the paths into the loaded object joined with '/', e.g. "student/module.backbone.cls_token"
or "optimizer/state/0/exp_avg".

Usage:
  /usr/bin/python3 tools/make_io_fixtures.py                 # the small committed fixtures
  /usr/bin/python3 tools/make_io_fixtures.py --vitb /tmp/vitb16.pth   # a random ViT-B/16 state dict (~86M
                                                              # params, ~350 MB) for timing; never committed
"""
import argparse
import io
import json
import os
import pickle
import shutil
import struct
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                     "runtime", "src", "test", "resources", "fixtures", "io"))
FORMAT = "ibot4j-io-v1"


class Case:
    """Expected tensors and meta of one fixture folder."""

    def __init__(self, name, meta=None):
        self.name = name
        self.meta = dict(meta or {})
        self.tensors = {}
        self.folder = os.path.join(ROOT, name)
        if os.path.isdir(self.folder):
            shutil.rmtree(self.folder)
        os.makedirs(self.folder)

    def path(self, file):
        return os.path.join(self.folder, file)

    def put(self, key, t):
        if key in self.tensors:
            raise ValueError(f"{self.name}: tensor {key} stored twice")
        a = t.detach().to(torch.float32).numpy() if isinstance(t, torch.Tensor) else np.asarray(t, np.float32)
        self.tensors[key] = np.array(a, dtype="<f4", order="C", copy=True)

    def put_all(self, prefix, obj):
        """Every tensor reachable from obj (dicts, lists), keyed by its path."""
        if isinstance(obj, torch.Tensor):
            self.put(prefix, obj)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                self.put_all(f"{prefix}/{k}" if prefix else str(k), v)
        elif isinstance(obj, (list, tuple)):
            for i, v in enumerate(obj):
                self.put_all(f"{prefix}/{i}", v)

    def write(self):
        entries = {}
        for i, (key, a) in enumerate(self.tensors.items()):
            rel = f"expected/{i:03d}.bin"
            path = self.path(rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            a.tofile(path)
            entries[key] = {"file": rel, "dtype": "float32", "shape": list(a.shape), "numel": int(a.size),
                            "sum": float(a.astype(np.float64).sum()),
                            "abs_max": float(np.abs(a).max()) if a.size else 0.0}
        with open(self.path("manifest.json"), "w") as f:
            json.dump({"format": FORMAT, "meta": self.meta, "tensors": entries}, f, indent=1)


def zput(z, name, data):
    """Adds an entry with a fixed timestamp, so regenerated fixtures are byte-identical."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = z.compression
    z.writestr(info, data)


def vit_state_dict(dim=16, depth=2, heads=2, patch=4, chans=3, npatch=4, mlp=2, gen=None):
    """A small ViT-shaped state dict (official names) with non-trivial values."""
    g = gen
    sd = OrderedDict()
    sd["cls_token"] = torch.randn(1, 1, dim, generator=g) * 0.5
    sd["pos_embed"] = torch.randn(1, npatch + 1, dim, generator=g) * 0.2
    sd["masked_embed"] = torch.randn(dim, generator=g)
    sd["patch_embed.proj.weight"] = torch.randn(dim, chans, patch, patch, generator=g) * 0.1
    sd["patch_embed.proj.bias"] = torch.randn(dim, generator=g) * 0.1
    for b in range(depth):
        p = f"blocks.{b}."
        sd[p + "norm1.weight"] = 1 + 0.1 * torch.randn(dim, generator=g)
        sd[p + "norm1.bias"] = 0.1 * torch.randn(dim, generator=g)
        sd[p + "attn.qkv.weight"] = torch.randn(3 * dim, dim, generator=g) * 0.2
        sd[p + "attn.qkv.bias"] = torch.randn(3 * dim, generator=g) * 0.05
        sd[p + "attn.proj.weight"] = torch.randn(dim, dim, generator=g) * 0.2
        sd[p + "attn.proj.bias"] = torch.randn(dim, generator=g) * 0.05
        sd[p + "norm2.weight"] = 1 + 0.1 * torch.randn(dim, generator=g)
        sd[p + "norm2.bias"] = 0.1 * torch.randn(dim, generator=g)
        sd[p + "mlp.fc1.weight"] = torch.randn(mlp * dim, dim, generator=g) * 0.2
        sd[p + "mlp.fc1.bias"] = torch.randn(mlp * dim, generator=g) * 0.05
        sd[p + "mlp.fc2.weight"] = torch.randn(dim, mlp * dim, generator=g) * 0.2
        sd[p + "mlp.fc2.bias"] = torch.randn(dim, generator=g) * 0.05
    sd["norm.weight"] = 1 + 0.1 * torch.randn(dim, generator=g)
    sd["norm.bias"] = 0.1 * torch.randn(dim, generator=g)
    return sd


def case_state_dict(g):
    c = Case("state_dict", {"what": "torch.save(OrderedDict state dict of a small ViT), default protocol 2"})
    sd = vit_state_dict(gen=g)
    torch.save(sd, c.path("model.pth"))
    c.meta["keys"] = list(sd.keys())
    c.put_all("", sd)
    c.write()


def case_protocol4(g):
    c = Case("protocol4", {"what": "torch.save(dict, pickle_protocol=4): FRAME, MEMOIZE, SHORT_BINUNICODE, "
                                   "STACK_GLOBAL opcodes"})
    sd = {"w": torch.randn(3, 5, generator=g), "b": torch.randn(5, generator=g), "n": 7, "name": "p4",
          "pair": (1.5, None), "flags": [True, False]}
    torch.save(sd, c.path("model.pth"), pickle_protocol=4)
    c.meta["plain"] = {"n": 7, "name": "p4", "pair": [1.5, None], "flags": [True, False]}
    c.put_all("", sd)
    c.write()


def case_checkpoint(g):
    """A full iBOT-style training checkpoint."""
    c = Case("checkpoint", {"what": "iBOT checkpoint: student (DDP 'module.' names), teacher, AdamW state after "
                                    "one step, epoch, argparse args, ibot_loss center"})
    student = vit_state_dict(gen=g)
    teacher = OrderedDict((k, v + 0.01 * torch.randn(v.shape, generator=g)) for k, v in student.items())
    params = [torch.nn.Parameter(v.clone()) for v in student.values()]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.04)
    loss = sum((p * p).sum() for p in params)
    loss.backward()
    opt.step()
    args = argparse.Namespace(arch="vit_tiny", patch_size=4, out_dim=32, lr=0.0005, use_fp16=False,
                              global_crops_scale=(0.14, 1.0), pred_ratio=[0.0, 0.3], output_dir=".", seed=0,
                              clip_grad=None)
    ckpt = {
        "student": OrderedDict(("module.backbone." + k, v) for k, v in student.items()),
        "teacher": OrderedDict(("backbone." + k, v) for k, v in teacher.items()),
        "optimizer": opt.state_dict(),
        "epoch": 3,
        "args": args,
        "ibot_loss": {"center": torch.randn(1, 32, generator=g), "center2": torch.randn(1, 1, 48, generator=g)},
    }
    torch.save(ckpt, c.path("checkpoint.pth"))
    c.meta["epoch"] = 3
    c.meta["args"] = {"arch": "vit_tiny", "patch_size": 4, "out_dim": 32, "lr": 0.0005, "use_fp16": False,
                      "global_crops_scale": [0.14, 1.0], "pred_ratio": [0.0, 0.3], "output_dir": ".", "seed": 0,
                      "clip_grad": None}
    pg = opt.state_dict()["param_groups"][0]
    c.meta["param_group"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in pg.items()}
    c.put_all("", {k: v for k, v in ckpt.items() if k in ("student", "teacher", "ibot_loss")})
    c.put_all("optimizer/state", {str(k): v for k, v in opt.state_dict()["state"].items()})
    c.write()


def case_dtypes(g):
    c = Case("dtypes", {"what": "storages of every dtype torch writes for weights; expected as float32"})
    x = torch.randn(4, 6, generator=g) * 3
    sd = OrderedDict()
    sd["f32"] = x.clone()
    sd["f16"] = x.to(torch.float16)
    sd["bf16"] = x.to(torch.bfloat16)
    sd["f64"] = x.to(torch.float64) / 7
    sd["i64"] = torch.arange(-6, 18).reshape(4, 6) * 1000
    sd["i32"] = torch.arange(-5, 5, dtype=torch.int32)
    sd["u8"] = torch.arange(0, 250, 25, dtype=torch.uint8)
    sd["bool"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(2.5)
    sd["empty"] = torch.zeros(0, 3)
    torch.save(sd, c.path("dtypes.pth"))
    # values as float32 after conversion, as the reader must produce them
    c.put_all("", sd)
    c.write()


def case_views(g):
    c = Case("views", {"what": "views: transpose (non-contiguous), slices with storage offsets, two views of one "
                                "storage, a parameter, a column slice with stride"})
    x = torch.randn(5, 4, generator=g)
    sd = OrderedDict()
    sd["base"] = x
    sd["transposed"] = x.t()
    sd["tail"] = x[1:]
    sd["flat"] = x.view(20)
    sd["col"] = x[:, 2]
    sd["every_other"] = x.view(20)[3::2]
    sd["param"] = torch.nn.Parameter(torch.randn(2, 3, generator=g))
    torch.save(sd, c.path("views.pth"))
    c.put_all("", sd)
    c.write()


def case_prefix(g):
    c = Case("prefix", {"what": "torch.save then the archive folder renamed to model_v2/ inside the zip"})
    sd = {"a": torch.randn(2, 3, generator=g), "b": torch.randn(7, generator=g).to(torch.float16)}
    buf = io.BytesIO()
    torch.save(sd, buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(c.path("renamed.pth"), "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            rest = info.filename.split("/", 1)[1]
            zput(dst, "model_v2/" + rest, src.read(info.filename))
    c.put_all("", sd)
    c.write()


def case_deflated(g):
    c = Case("deflated", {"what": "torch.save re-zipped with DEFLATED entries (fallback path)"})
    sd = {"w": torch.randn(8, 8, generator=g)}
    buf = io.BytesIO()
    torch.save(sd, buf)
    buf.seek(0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(c.path("deflated.pth"), "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zput(dst, info.filename, src.read(info.filename))
    c.put_all("", sd)
    c.write()


def case_pickle_protocols():
    """Plain Python values pickled with every protocol 0-5 (no tensors), each wrapped as data.pkl in a zip."""
    shared = [1, 2]
    value = {"small": 7, "neg": -3, "i16": 40000, "i32": -2000000000, "i64": 2 ** 40, "huge": 2 ** 70,
             "float": 0.1, "negf": -1.5e300, "text": "h\u00e9llo \u2603", "none": None, "yes": True, "no": False,
             "t0": (), "t1": (1,), "t2": (1, "a"), "t3": (1, 2, 3), "t4": (1, 2, 3, 4), "nested": [[1], {"k": [2.5]}],
             "a": shared, "b": shared, 12: "int key", "bytes": b"\x00\xffab", "set": {3}, "frozen": frozenset({4})}
    c = Case("pickle_protocols", {"what": "plain values pickled with protocols 0-5 as p<N>.pth; 'json' is the value "
                                           "without bytes/set/frozen, which tests check separately"})
    for proto in range(6):
        with zipfile.ZipFile(c.path(f"p{proto}.pth"), "w", zipfile.ZIP_STORED) as z:
            zput(z, f"p{proto}/data.pkl", pickle.dumps(value, protocol=proto))
            zput(z, f"p{proto}/version", "3\n")
    j = {str(k): (list(v) if isinstance(v, tuple) else v) for k, v in value.items()
         if k not in ("bytes", "set", "frozen", "huge")}
    c.meta["json"] = j
    c.meta["huge"] = str(2 ** 70)
    c.write()


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def case_evil():
    c = Case("evil", {"what": "a checkpoint whose pickle calls os.system: must be refused by name"})
    payload = pickle.dumps({"x": _Evil()}, protocol=2)
    assert b"system" in payload
    with zipfile.ZipFile(c.path("evil.pth"), "w", zipfile.ZIP_STORED) as z:
        zput(z, "evil/data.pkl", payload)
        zput(z, "evil/version", "3\n")
    # the same attack spelled with the 'os' module name, as a hand-written protocol-2 pickle
    os_payload = b"\x80\x02}q\x00X\x01\x00\x00\x00xcos\nsystem\nX\n\x00\x00\x00echo pwned\x85Rs."
    with zipfile.ZipFile(c.path("evil_os.pth"), "w", zipfile.ZIP_STORED) as z:
        zput(z, "archive/data.pkl", os_payload)
        zput(z, "archive/version", "3\n")
    c.write()


def write_safetensors(path, tensors, metadata):
    """The safetensors layout by hand: u64 LE header length, JSON header, then the raw data."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
             torch.int64: "I64"}
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        if t.dtype == torch.bfloat16:
            raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def case_safetensors(g):
    c = Case("safetensors", {"what": "safetensors written by hand: F32, F16, BF16, F64, I64, metadata"})
    x = torch.randn(3, 4, generator=g)
    t = OrderedDict()
    t["blocks.0.attn.qkv.weight"] = x
    t["half"] = (x * 2).to(torch.float16)
    t["bf"] = (x * 3).to(torch.bfloat16)
    t["double"] = x.to(torch.float64) / 3
    t["long"] = torch.arange(-4, 8)
    t["scalar"] = torch.tensor(1.25)
    meta = {"format": "pt", "arch": "vit_small", "epoch": "3"}
    write_safetensors(c.path("model.safetensors"), t, meta)
    c.meta["metadata"] = meta
    c.meta["order"] = list(t.keys())
    c.put_all("", t)
    c.write()


def case_npy(g):
    c = Case("npy", {"what": "arrays written by numpy.save: <f4 (3-d), <f8, <f2, a 0-d, and a Fortran-order "
                              "array that must be refused"})
    a = torch.randn(2, 3, 4, generator=g).numpy()
    np.save(c.path("f4.npy"), a.astype("<f4"))
    np.save(c.path("f8.npy"), (a / 3).astype("<f8"))
    np.save(c.path("f2.npy"), (a * 2).astype("<f2"))
    np.save(c.path("scalar.npy"), np.float32(4.5))
    np.save(c.path("fortran.npy"), np.asfortranarray(a[0].astype("<f4")))
    c.put("f4", a.astype("<f4"))
    c.put("f8", (a / 3).astype("<f8").astype("<f4"))
    c.put("f2", (a * 2).astype("<f2").astype("<f4"))
    c.put("scalar", np.float32(4.5))
    c.write()


def vitb(path):
    """A random ViT-B/16 backbone state dict (86M params), saved like a teacher checkpoint file."""
    g = torch.Generator().manual_seed(0)
    sd = vit_state_dict(dim=768, depth=12, heads=12, patch=16, npatch=196, mlp=4, gen=g)
    n = sum(v.numel() for v in sd.values())
    torch.save(sd, path)
    print(f"wrote {path}: {len(sd)} tensors, {n} parameters, {os.path.getsize(path)} bytes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vitb", help="write a random ViT-B/16 state dict to this path instead of the fixtures")
    a = ap.parse_args()
    if a.vitb:
        vitb(a.vitb)
        return
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(1234)
    for f in (case_state_dict, case_protocol4, case_checkpoint, case_dtypes, case_views, case_prefix,
              case_deflated, case_safetensors, case_npy):
        f(g)
    case_evil()
    case_pickle_protocols()
    print("fixtures written to", ROOT)


if __name__ == "__main__":
    main()
