#!/usr/bin/env python3
"""The ratio graphc / best peer per workload, from one run of the peer harness, against the targets.

    EXTRA_BENCH="bash $PWD/bench/graphc_bench.sh" bash ../shared/peers/run_peers.sh DIR
    python3 bench/ratios.py DIR [DIR ...]

Reads DIR/all.csv. Only numbers from the same run are compared: the machine is noisy by 2x.
Given several runs, it ends with the median ratio of each cell over the runs and how many
runs met the target.
Inference rows compare with the fastest PyTorch or ONNX Runtime variant of the same workload,
batch and thread count; training rows with PyTorch's training step (the harness's only peer
there). W1 b1024 is also compared with the run's best oneDNN f32 2048^3 matmul probe.
graphc's cold-cache rows (variant "...-cold", caches evicted before each run) are not compared
with the peers, which run warm; a table of their own gives cold / warm per cell.
"""
import csv
import sys
from collections import defaultdict

# (workload, batch) -> (name, target ratio); from the inference and training issues.
TARGETS = {
    ("mlp", 1): ("W1", 0.6), ("mlp", 64): ("W1", 0.7), ("mlp", 1024): ("W1", 0.9),
    ("transformer", 1): ("W4", 0.8), ("transformer", 8): ("W4", 0.8),
    ("lenet", 1): ("W5", 0.8), ("lenet", 64): ("W5", 0.8),
    ("mlp-train", 64): ("W2", 0.5), ("mlp-train", 1024): ("W2", 0.7), ("seed-train", 32): ("W3", 0.05),
}
PROBE_SHARE = 0.85  # W1 b1024 must reach this share of the f32 probe's GFLOP/s


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def report(path):
    rows = list(csv.DictReader(open(f"{path}/all.csv")))
    ours, cold, peers, probe = {}, {}, defaultdict(list), {}
    for r in rows:
        key = (r["workload"], int(r["batch"]), int(r["threads"]))
        if r["runtime"].startswith("graphc-") and r["variant"].endswith("-cold"):
            cold[key] = r
        elif r["runtime"].startswith("graphc-"):
            ours[key] = r
        elif r["runtime"].startswith("oneDNN") and r["variant"].startswith("f32"):
            probe[key[2]] = max(probe.get(key[2], 0.0), float(r["gflops"]))
        elif r["median_ms"]:
            peers[key].append(r)
    cells = {}
    print(f"## {path}\n")
    print("| workload | threads | graphc ms | best peer ms (who) | ratio | target | met |")
    print("|---|---|---|---|---|---|---|")
    for (workload, batch, threads), r in sorted(ours.items(), key=lambda kv: (TARGETS.get(kv[0][:2], ("W9",))[0], kv[0])):
        name, target = TARGETS.get((workload, batch), (workload, None))
        if not peers[(workload, batch, threads)] or target is None:
            continue
        best = min(peers[(workload, batch, threads)], key=lambda p: float(p["median_ms"]))
        ratio = float(r["median_ms"]) / float(best["median_ms"])
        met = ratio <= target
        cells[(name, workload, batch, threads)] = (ratio, target)
        extra = ""
        if (workload, batch) == ("mlp", 1024) and threads in probe:
            share = float(r["gflops"]) / probe[threads]
            extra = f"; {float(r['gflops']):.0f} GFLOP/s = {share:.0%} of the f32 probe ({'met' if share >= PROBE_SHARE else 'missed'})"
        print(f"| {name} {workload} b{batch} | {threads} | {float(r['median_ms']):.3f} | "
              f"{float(best['median_ms']):.3f} ({best['runtime'].split('-')[0]} {best['variant']}) | "
              f"{ratio:.2f} | <= {target} | {'yes' if met else 'no'}{extra} |")
    print()
    if cold:
        print("| graphc cold caches | threads | warm ms | cold ms | cold / warm |")
        print("|---|---|---|---|---|")
        for (workload, batch, threads), r in sorted(cold.items()):
            cold_ms = float(r["median_ms"])
            warm = ours.get((workload, batch, threads))
            warm_ms, ratio = (f"{float(warm['median_ms']):.3f}", f"{cold_ms / float(warm['median_ms']):.2f}") if warm else ("-", "-")
            print(f"| {workload} b{batch} | {threads} | {warm_ms} | {cold_ms:.3f} | {ratio} |")
        print()
    return cells


def summary(runs):
    print(f"## median over {len(runs)} runs\n")
    print("| workload | threads | ratios | median | target | runs met |")
    print("|---|---|---|---|---|---|")
    for cell in sorted({c for run in runs for c in run}):
        ratios = [run[cell][0] for run in runs if cell in run]
        target = next(run[cell][1] for run in runs if cell in run)
        met = sum(r <= target for r in ratios)
        name, workload, batch, threads = cell
        print(f"| {name} {workload} b{batch} | {threads} | {' '.join(f'{r:.2f}' for r in ratios)} | "
              f"{median(ratios):.2f} | <= {target} | {met} of {len(ratios)} |")


runs = [report(d) for d in sys.argv[1:] or ["."]]
if len(runs) > 1:
    summary(runs)
