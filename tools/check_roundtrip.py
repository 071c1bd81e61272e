#!/usr/bin/python3
"""Checks files written by ibot4j with the reference readers: torch.load for .pth, numpy.load for .npy, and a
plain parse of the safetensors layout (the `safetensors` package is not needed).

Usage: /usr/bin/python3 tools/check_roundtrip.py DIR
DIR holds out.pth, out.safetensors, out.npy and manifest.json (the format of tools/make_io_fixtures.py):
expected tensors keyed "pth/<path in the loaded object>", "safetensors/<name>" and "npy"; meta.pth_plain is the
loaded .pth object as JSON with every tensor replaced by the string "<tensor>"; meta.safetensors_metadata is the
expected header metadata. An optional again.pth (an official checkpoint read and re-saved by ibot4j) must
load with its argparse Namespace, epoch and optimizer state. Prints one line per problem and exits 1 on any, else prints "roundtrip OK".
"""
import json
import os
import struct
import sys

import numpy as np
import torch


def main(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    expected = {}
    for key, t in manifest["tensors"].items():
        a = np.fromfile(os.path.join(folder, t["file"]), dtype="<f4").reshape(t["shape"])
        expected[key] = a
    problems, seen = [], set()

    def check(key, got):
        seen.add(key)
        if key not in expected:
            problems.append(f"{key}: unexpected tensor")
            return
        exp = expected[key]
        if tuple(got.shape) != exp.shape:
            problems.append(f"{key}: shape {tuple(got.shape)} != {exp.shape}")
        elif not np.array_equal(got, exp):
            problems.append(f"{key}: values differ (max abs diff {np.abs(got - exp).max()})")

    def plain(obj, path):
        if isinstance(obj, torch.Tensor):
            if obj.dtype != torch.float32:
                problems.append(f"{path}: dtype {obj.dtype}")
            check(path, obj.detach().numpy())
            return "<tensor>"
        if isinstance(obj, dict):
            return {str(k): plain(v, f"{path}/{k}") for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [plain(v, f"{path}/{i}") for i, v in enumerate(obj)]
        return obj

    root = torch.load(os.path.join(folder, "out.pth"), map_location="cpu")
    got_plain = plain(root, "pth")
    if got_plain != manifest["meta"]["pth_plain"]:
        problems.append(f"pth plain values differ: {json.dumps(got_plain)} != {json.dumps(manifest['meta']['pth_plain'])}")

    with open(os.path.join(folder, "out.safetensors"), "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    if header.pop("__metadata__", None) != manifest["meta"]["safetensors_metadata"]:
        problems.append("safetensors metadata differs")
    for name, info in header.items():
        if info["dtype"] != "F32":
            problems.append(f"safetensors/{name}: dtype {info['dtype']}")
            continue
        b, e = info["data_offsets"]
        check("safetensors/" + name, np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"]))

    a = np.load(os.path.join(folder, "out.npy"))
    if a.dtype != np.float32 or not a.flags["C_CONTIGUOUS"]:
        problems.append(f"npy: dtype {a.dtype}, C order {a.flags['C_CONTIGUOUS']}")
    check("npy", a)

    again = os.path.join(folder, "again.pth")
    if os.path.exists(again):
        ck = torch.load(again, map_location="cpu")
        if not (hasattr(ck.get("args"), "arch") and ck["args"].arch == "vit_tiny" and ck["epoch"] == 3):
            problems.append(f"again.pth: args/epoch not restored: {ck.get('args')!r}, {ck.get('epoch')!r}")
        if not isinstance(ck["optimizer"]["state"][0]["exp_avg"], torch.Tensor):
            problems.append("again.pth: optimizer state lost")

    for key in expected:
        if key not in seen:
            problems.append(f"{key}: missing")
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print("roundtrip OK")


if __name__ == "__main__":
    main(sys.argv[1])
