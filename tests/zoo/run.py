#!/usr/bin/python3
"""Runs the exported zoo (export.py) through `graphc run` on each backend against PyTorch.

  /usr/bin/python3 tests/zoo/run.py --graphc build/tools/graphc --zoo DIR [--backends ref,dnnl]
      [--models a,b] [--opsets 13,17] [--tol 1e-3] [--table FILE]

A model passes when max |graphc - torch| / max |torch| <= --tol. Each cell of the table is
pass (with that error), wrong (the error), refused (graphc's message), or crash (a signal, a hang,
or a failure without a message). Exits 1 on any wrong result or crash; refusals are listed,
since the zoo holds models whose ops graphc does not support yet.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def run_one(graphc, backend, model, x_path, want, tol, timeout):
    with tempfile.TemporaryDirectory(prefix="zoo_") as out:
        cmd = [graphc, "run", model, "--input", f"x={x_path}", "--backend", backend, "--output-dir", out]
        start = time.monotonic()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return "crash", f"hung > {timeout:g} s", 0.0
        seconds = time.monotonic() - start
        if p.returncode < 0:
            return "crash", f"signal {-p.returncode}", seconds
        if p.returncode != 0:
            msg = " ".join(p.stderr.split())
            return ("refused", msg[-300:], seconds) if msg else ("crash", f"exit {p.returncode}, no message", seconds)
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
                kind, detail, seconds = run_one(args.graphc, b, os.path.join(folder, f"opset{o}.onnx"),
                                                os.path.join(folder, "input.npy"), want, args.tol, args.timeout)
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
