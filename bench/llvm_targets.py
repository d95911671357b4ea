#!/usr/bin/env python3
"""The llvm backend's speed targets (issue 10) beside their bars, from bench/llvm_targets.sh's rows.

    python3 bench/llvm_targets.py ROWS.jsonl

Each round timed dnnl and llvm back to back, so a ratio is taken within its round and the table
gives the median over the rounds, with every round's ratio after it: the machine is noisy by 2x
over minutes, much less between neighbouring runs.
"""
import json
import sys
from collections import defaultdict


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


# (workload, batch) -> (name, what is compared, bar); "time" is llvm ÷ dnnl time (at most the bar),
# "speedup" dnnl ÷ llvm time and "gflops" llvm ÷ dnnl GFLOP/s (at least the bar).
MODELS = {
    ("mlp", 1): ("W1", "time", 1.3), ("mlp", 64): ("W1", "time", 1.3), ("mlp", 1024): ("W1", "time", 1.3),
    ("transformer", 1): ("W4", "time", 1.3), ("transformer", 8): ("W4", "time", 1.3),
    ("lenet", 1): ("W5", "time", 1.3), ("lenet", 64): ("W5", "time", 1.3),
    ("mlp-train", 64): ("W2", "time", 1.2), ("mlp-train", 1024): ("W2", "time", 1.2),
    ("seed-train", 32): ("W3", "time", 1.2),
    ("ewchain", 64): ("W6", "speedup", 3.0), ("ewchain", 1024): ("W6", "speedup", 3.0),
    ("matmul512", 512): ("matmul 512^3", "gflops", 0.7), ("matmul1024", 1024): ("matmul 1024^3", "gflops", 0.7),
    ("matmul2048", 2048): ("matmul 2048^3", "gflops", 0.7),
}
JIT_BARS = {("mlp", 64): ("W1", 150.0), ("transformer", 8): ("W4", 400.0)}
CACHE_BAR = 20.0
BANDWIDTH_BAR = 0.7


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    # rounds[(workload, batch, threads, variant)] = [row of round 1, round 2, ...]
    rounds = defaultdict(list)
    for r in rows:
        rounds[(r["workload"], r["batch"], r["threads"], r["variant"])].append(r)

    def ratios(key_a, key_b, field, invert=False):
        a, b = rounds.get(key_a, []), rounds.get(key_b, [])
        out = []
        for ra, rb in zip(a, b):
            x, y = ra[field], rb[field]
            out.append((y / x) if invert else (x / y))
        return out

    print("| target | threads | rounds | median | bar | verdict |")
    print("|---|---|---|---|---|---|")
    missed = 0
    threads = sorted({k[2] for k in rounds})
    for (workload, batch), (name, kind, bar) in MODELS.items():
        for t in threads:
            llvm, dnnl = (workload, batch, t, "llvm"), (workload, batch, t, "dnnl")
            if kind == "time":
                rs, label, ok = ratios(llvm, dnnl, "median_ms"), "llvm ÷ dnnl time", lambda m: m <= bar
            elif kind == "speedup":
                rs, label, ok = ratios(dnnl, llvm, "median_ms"), "dnnl ÷ llvm time", lambda m: m >= bar
            else:
                rs, label, ok = ratios(llvm, dnnl, "gflops"), "llvm ÷ dnnl GFLOP/s", lambda m: m >= bar
            if not rs:
                continue
            m = median(rs)
            missed += not ok(m)
            sign = "≤" if kind == "time" else "≥"
            cell = name if name.startswith("matmul") else f"{name} b{batch}"
            print(f"| {cell} {label} | {t} | {' '.join(f'{r:.2f}' for r in rs)} | {m:.2f} | "
                  f"{sign} {bar} | {'met' if ok(m) else '**missed**'} |")
    for t in threads:
        # Bytes per run are the same for both (read x, write y), so the bandwidth share is a time ratio.
        rs = ratios(("stream", 16 * 1024 * 1024, t, "llvm"), ("stream", 16 * 1024 * 1024, t, "copy"), "median_ms", True)
        if rs:
            m = median(rs)
            missed += m < BANDWIDTH_BAR
            print(f"| fused group ÷ copy loop bandwidth, 64 MiB | {t} | {' '.join(f'{r:.2f}' for r in rs)} | {m:.2f} | "
                  f"≥ {BANDWIDTH_BAR} | {'met' if m >= BANDWIDTH_BAR else '**missed**'} |")
    for (workload, batch), (name, bar) in JIT_BARS.items():
        cold = [r["prepare_ms"] for r in rounds.get((workload, batch, 1, "jit-cold"), [])]
        hits = [r["prepare_ms"] for r in rounds.get((workload, batch, 1, "jit-hit"), [])]
        for label, times, limit in ((f"{name} b{batch} JIT compile + load, ms", cold, bar),
                                    (f"{name} b{batch} load from the object cache, ms", hits, CACHE_BAR)):
            if not times:
                continue
            m = median(times)
            missed += m > limit
            print(f"| {label} | 1 | {' '.join(f'{x:.1f}' for x in times)} | {m:.1f} | ≤ {limit:.0f} | "
                  f"{'met' if m <= limit else '**missed**'} |")
    print(f"\n{missed} missed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
