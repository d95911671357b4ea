#!/usr/bin/python3
"""Runs the exported zoo (export.py) through `graphc run` on each backend against PyTorch.

  /usr/bin/python3 tests/zoo/run.py --graphc build/tools/graphc --zoo DIR [--backends ref,dnnl]
      [--models a,b] [--opsets 13,17] [--tol 1e-3] [--table FILE]

A model passes when max |graphc - torch| / max |torch| <= --tol. Each cell of the table is
pass (with that error), wrong (the error), refused (graphc's message), or crash (a signal, a hang,
or a failure without a message). Exits 1 on any wrong result or crash; refusals are listed,
since the zoo holds models whose ops graphc does not support yet.

With --precision bf16 it measures bf16's accuracy cost instead (docs/precision.md): each model
runs with `--precision bf16 --compare f32` on a fixed batch of --batch inputs (seeded: normal
floats, or token ids up to the largest of export.py's input), and passes when the norm-wise relative error of its output is at
most --norm-tol and, for an output of rows of class scores, the top-1 class agrees with f32's on
at least --top1 of the rows. Each cell gives max / mean / norm-wise relative error and top-1.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np


def run_graphc(cmd, timeout):
    """Runs cmd; returns (None, None, seconds, process) when it exited 0, else the cell's kind and
    detail: crash (a signal, a hang, or a failure without a message) or refused (the message)."""
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "crash", f"hung > {timeout:g} s", 0.0, None
    seconds = time.monotonic() - start
    if p.returncode < 0:
        return "crash", f"signal {-p.returncode}", seconds, p
    if p.returncode != 0:
        msg = " ".join(p.stderr.split())
        return ("refused", msg[-300:], seconds, p) if msg else ("crash", f"exit {p.returncode}, no message", seconds, p)
    return None, None, seconds, p


def run_one(graphc, backend, model, x_path, want, tol, timeout):
    with tempfile.TemporaryDirectory(prefix="zoo_") as out:
        cmd = [graphc, "run", model, "--input", f"x={x_path}", "--backend", backend, "--output-dir", out]
        kind, detail, seconds, _ = run_graphc(cmd, timeout)
        if kind:
            return kind, detail, seconds
        got_path = os.path.join(out, "y.npy")
        if not os.path.exists(got_path):
            return "wrong", "no output y.npy", seconds
        got = np.load(got_path)
        if got.shape != want.shape:
            return "wrong", f"shape {list(got.shape)} vs {list(want.shape)}", seconds
        scale = float(np.max(np.abs(want))) or 1.0
        err = float(np.max(np.abs(got.astype(np.float64) - want))) / scale
        if not np.isfinite(err) or err > tol:
            return "wrong", f"rel err {err:.2e}", seconds
        return "pass", f"{err:.1e}", seconds


COMPARE = re.compile(r"compare f32: output '[^']*': max rel (\S+), mean rel (\S+), norm rel (\S+) over \d+ elements"
                     r"(?:, top-1 agrees on (\d+)/(\d+) rows)?")


def fixed_batch(folder, batch):
    """The --batch inputs of a bf16 run: export.py's input shape and kind, a fixed seed."""
    path = os.path.join(folder, f"bf16_batch{batch}.npy")
    exported = os.path.join(folder, "input.npy")
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(exported):  # a new export
        one = np.load(exported)
        rng = np.random.default_rng(7)
        shape = (batch,) + one.shape[1:]
        x = (rng.integers(0, int(one.max()) + 1, shape, dtype=one.dtype) if np.issubdtype(one.dtype, np.integer)
             else rng.standard_normal(shape).astype(one.dtype))
        np.save(path, x)
    return path


def run_bf16(graphc, backend, model, x_path, norm_tol, top1, timeout):
    with tempfile.TemporaryDirectory(prefix="zoo_") as out:
        cmd = [graphc, "run", model, "--input", f"x={x_path}", "--backend", backend, "--precision", "bf16",
               "--compare", "f32", "--output-dir", out]
        kind, detail, seconds, p = run_graphc(cmd, timeout)
        if kind:
            return kind, detail, seconds
        m = COMPARE.search(p.stdout + p.stderr)
        if not m:
            return "wrong", "no 'compare f32' line", seconds
        max_rel, mean_rel, norm_rel = (float(v) for v in m.groups()[:3])
        detail = f"{max_rel:.2g} / {mean_rel:.2g} / {norm_rel:.2g}"
        ok = np.isfinite(norm_rel) and norm_rel <= norm_tol
        if m.group(4):
            agree, rows = int(m.group(4)), int(m.group(5))
            detail += f", top-1 {agree}/{rows}"
            ok = ok and agree >= top1 * rows
        return ("pass" if ok else "wrong"), detail, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graphc", required=True)
    ap.add_argument("--zoo", required=True)
    ap.add_argument("--backends", default="ref,dnnl")
    ap.add_argument("--models", default="")
    ap.add_argument("--opsets", default="13,17")
    ap.add_argument("--tol", type=float, default=1e-3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--table")
    ap.add_argument("--precision", choices=["f32", "bf16"], default="f32")
    ap.add_argument("--batch", type=int, default=32, help="with --precision bf16: the inputs per model")
    ap.add_argument("--norm-tol", type=float, default=5e-2, help="with --precision bf16: the norm-wise bound")
    ap.add_argument("--top1", type=float, default=0.95, help="with --precision bf16: the top-1 agreement bound")
    args = ap.parse_args()

    models = args.models.split(",") if args.models else sorted(
        d for d in os.listdir(args.zoo) if os.path.exists(os.path.join(args.zoo, d, "torch.npy")))
    backends, opsets = args.backends.split(","), args.opsets.split(",")
    lines = ["| model | opset | " + " | ".join(backends) + " |", "|---|---|" + "---|" * len(backends)]
    notes, bad = [], 0
    for m in models:
        folder = os.path.join(args.zoo, m)
        want = np.load(os.path.join(folder, "torch.npy"))
        for o in opsets:
            cells = []
            for b in backends:
                model = os.path.join(folder, f"opset{o}.onnx")
                if args.precision == "bf16":
                    kind, detail, seconds = run_bf16(args.graphc, b, model, fixed_batch(folder, args.batch), args.norm_tol,
                                                     args.top1, args.timeout)
                else:
                    kind, detail, seconds = run_one(args.graphc, b, model, os.path.join(folder, "input.npy"), want,
                                                    args.tol, args.timeout)
                if kind == "pass":
                    cells.append(f"pass ({detail}, {seconds:.1f} s)")
                else:
                    cells.append(kind)
                    notes.append(f"- {m} opset {o} on {b}: {kind}: {detail}")
                    bad += kind in ("wrong", "crash")
            lines.append(f"| {m} | {o} | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    table = "\n".join(lines + [""] + notes)
    print("\n".join([""] + notes))
    if args.table:
        with open(args.table, "w") as f:
            f.write(table + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
