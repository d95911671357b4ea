#!/usr/bin/python3
"""Runs ONNX's node conformance tests (written by generate.py) through `graphc run` on each backend.

  /usr/bin/python3 tests/onnx_node/run.py --graphc build/tools/graphc --cases DIR \
      --backends ref,dnnl [--passing tests/onnx_node/passing.txt] [--update] [--table FILE]

Each case ends as one of:
  pass     exit 0 and every output matches ONNX's reference (shape, dtype, values within the
           case's rtol/atol, NaN where NaN);
  wrong    exit 0 but an output is missing or differs: a silent wrong result;
  refused  a non-zero exit with a message on stderr and no output file written;
  crash    death by a signal, a hang (--timeout), a non-zero exit without a message, or a
           refusal that left output files behind.
A case refused because a graph input feeds a shape operand runs again with that input bound
by --const (the contract's way for a user), and counts by that second run.
It prints a table per op and the refusal reasons, and exits 1 when any case is wrong or crashed,
or when a case listed in --passing no longer passes (the count of passing tests never falls).
--update rewrites --passing with the cases that pass now.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

KINDS = ("pass", "wrong", "refused", "crash")


def sanitize(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def compare(meta: dict, case_dir: str, out_dir: str) -> str | None:
    """None when every output matches, else what differs."""
    for out in meta["outputs"]:
        if out["file"] is None:
            return f"output '{out['name']}' is not a tensor, yet the run succeeded"
        got_path = os.path.join(out_dir, sanitize(out["name"]) + ".npy")
        if not os.path.exists(got_path):
            return f"output '{out['name']}' was not written"
        want = np.load(os.path.join(case_dir, out["file"]))
        got = np.load(got_path)
        if got.shape != want.shape:
            return f"output '{out['name']}': shape {list(got.shape)}, expected {list(want.shape)}"
        if got.dtype.kind == "V" and got.dtype.itemsize == 2 and want.dtype == np.uint16:
            # bf16: graphc writes its raw bytes ('<V2'), ONNX's data holds its bits as uint16.
            # onnx 1.12's reference casts to bf16 by truncation, graphc rounds to nearest even
            # (IEEE, and ONNX's Cast from opset 19), so they are compared as floats within 2^-7
            # relative: one bf16 ulp at the bottom of a binade, up to two near its top.
            as_f32 = lambda bits: (bits.astype(np.uint32) << 16).view(np.float32)
            g32, w32 = as_f32(got.view(np.uint16)), as_f32(want)
            if not np.allclose(g32, w32, rtol=2.0**-7, atol=meta["atol"], equal_nan=True):
                return f"output '{out['name']}': bf16 values differ by more than one bf16 ulp"
            continue
        if got.dtype != want.dtype:
            return f"output '{out['name']}': dtype {got.dtype}, expected {want.dtype}"
        if want.dtype.kind in "fc":
            if not np.allclose(got, want, rtol=meta["rtol"], atol=meta["atol"], equal_nan=True):
                bad = ~np.isclose(got, want, rtol=meta["rtol"], atol=meta["atol"], equal_nan=True)
                i = np.argwhere(bad)[0]
                return (f"output '{out['name']}': {int(bad.sum())} of {want.size} values differ, "
                        f"first at {list(i)}: {got[tuple(i)]} vs {want[tuple(i)]}")
        elif not np.array_equal(got, want):
            return f"output '{out['name']}': values differ"
    return None


def reason_of(stderr: str) -> str:
    """The refusal's message without file, node or value names and numbers, to group like ones."""
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    first = next((i for i, l in enumerate(lines) if "error:" in l), 0) if lines else 0
    msg = lines[first].split("error:", 1)[-1].strip() if lines else ""
    if msg.endswith("):") and first + 1 < len(lines):  # "unsupported ONNX model (N problems):" + a list
        msg = lines[first + 1]
    msg = re.sub(r"^\S+\.(onnx|npy): ", "", msg)
    msg = re.sub(r"node #\d+ \((\w+), output '[^']*'\)", r"\1", msg)
    msg = re.sub(r"'[^']*'", "'…'", msg)
    msg = re.sub(r"\d+", "N", msg)
    return msg[:120]


# The refusal of an input that feeds a shape operand (a Reshape shape, Slice bounds, ...): the
# case runs once more with such inputs bound by --const, as the contract offers a user.
NOT_CONSTANT = re.compile(r"\(input '([^']+)'\) is not a constant")


def run_case(graphc: str, backend: str, case_dir: str, timeout: float, consts: frozenset = frozenset()):
    with open(os.path.join(case_dir, "case.json")) as f:
        meta = json.load(f)
    with tempfile.TemporaryDirectory(prefix="onnx_node_") as out_dir:
        cmd = [graphc, "run", os.path.join(case_dir, "model.onnx"), "--backend", backend, "--output-dir", out_dir]
        for i in meta["inputs"]:
            if i["file"] is not None:
                flag = "--const" if i["name"] in consts else "--input"
                cmd += [flag, f"{i['name']}={os.path.join(case_dir, i['file'])}"]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return meta, "crash", f"hung for more than {timeout:g} s"
        if p.returncode < 0:
            return meta, "crash", f"killed by signal {-p.returncode}: {p.stderr.strip()[-200:]}"
        if p.returncode != 0:
            if not p.stderr.strip():
                return meta, "crash", f"exit {p.returncode} without a message"
            if os.listdir(out_dir):
                return meta, "crash", f"refused but wrote {sorted(os.listdir(out_dir))}"
            inputs = {i["name"] for i in meta["inputs"] if i["file"] is not None}
            shape_inputs = {m for m in NOT_CONSTANT.findall(p.stderr) if m in inputs} - consts
            if shape_inputs:
                return run_case(graphc, backend, case_dir, timeout, consts | shape_inputs)
            return meta, "refused", reason_of(p.stderr)
        diff = compare(meta, case_dir, out_dir)
        return (meta, "wrong", diff) if diff else (meta, "pass", "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graphc", required=True)
    ap.add_argument("--cases", required=True, help="the folder generate.py wrote")
    ap.add_argument("--backends", default="ref")
    ap.add_argument("--passing", help="file of 'BACKEND CASE' lines that must pass")
    ap.add_argument("--update", action="store_true", help="rewrite --passing from this run")
    ap.add_argument("--table", help="also write the tables to this file")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--filter", default="", help="only cases whose name contains this")
    args = ap.parse_args()

    names = sorted(n for n in os.listdir(args.cases)
                   if os.path.exists(os.path.join(args.cases, n, "case.json")) and args.filter in n)
    backends = args.backends.split(",")
    results = {}  # (backend, case) -> (kind, detail)
    ops_of = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_case, args.graphc, b, os.path.join(args.cases, n), args.timeout): (b, n)
                   for b in backends for n in names}
        for fut in concurrent.futures.as_completed(futures):
            b, n = futures[fut]
            meta, kind, detail = fut.result()
            results[(b, n)] = (kind, detail)
            ops_of[n] = "+".join(meta["ops"])

    lines = []
    out = lines.append
    out("## ONNX node tests: " + ", ".join(
        f"{b}: " + ", ".join(f"{sum(1 for n in names if results[(b, n)][0] == k)} {k}" for k in KINDS)
        + f" of {len(names)}" for b in backends))
    out("")
    out("| op | tests | " + " | ".join(f"{b} pass/wrong/refused/crash" for b in backends) + " |")
    out("|---|---|" + "---|" * len(backends))
    by_op = collections.defaultdict(list)
    for n in names:
        by_op[ops_of[n]].append(n)
    for op in sorted(by_op):
        cells = []
        for b in backends:
            c = collections.Counter(results[(b, n)][0] for n in by_op[op])
            cells.append("/".join(str(c[k]) for k in KINDS))
        out(f"| {op} | {len(by_op[op])} | " + " | ".join(cells) + " |")
    for b in backends:
        reasons = collections.Counter(results[(b, n)][1] for n in names if results[(b, n)][0] == "refused")
        out("")
        out(f"### refusals on {b}, by message")
        for msg, k in reasons.most_common(40):
            out(f"- {k}: {msg}")
    table = "\n".join(lines)
    print(table)
    if args.table:
        with open(args.table, "w") as f:
            f.write(table + "\n")

    failures = []
    for (b, n), (kind, detail) in sorted(results.items()):
        if kind in ("wrong", "crash"):
            failures.append(f"{b} {n}: {kind}: {detail}")
    if args.passing and not args.update and os.path.exists(args.passing):
        with open(args.passing) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[0] in backends and parts[1] in names:
                    kind, detail = results[(parts[0], parts[1])]
                    if kind != "pass":
                        failures.append(f"{parts[0]} {parts[1]}: passed before, now {kind}: {detail}")
    if args.passing and args.update:
        with open(args.passing, "w") as f:
            for (b, n), (kind, _) in sorted(results.items()):
                if kind == "pass":
                    f.write(f"{b} {n}\n")
    for f_ in failures:
        print("FAIL " + f_, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
