"""Checks graphc bench JSON lines against the peer harness's schema (../shared/peers/README.md).

Usage: check_bench_json.py FILE LINES [KEY=VALUE ...]: FILE holds exactly LINES objects, each with
the schema's fields and types, p10 <= median <= p90, a max_abs_err against the interpreter below
1e-2 (a broken kernel is off by far more), and every KEY=VALUE given (on every line).
"""
import json
import sys

path, want_lines, *expect = sys.argv[1:]
rows = [json.loads(line) for line in open(path) if line.strip()]
assert len(rows) == int(want_lines), f"{len(rows)} lines, want {want_lines}"
types = {"runtime": str, "workload": str, "variant": str, "batch": int, "threads": int,
         "median_ms": float, "gflops": float, "p10_ms": float, "p90_ms": float, "iters": int, "max_abs_err": float}
for row in rows:
    for key, kind in types.items():
        assert isinstance(row.get(key), kind), f"{key} is {row.get(key)!r} in {row}"
    assert row["runtime"].startswith("graphc-"), row
    assert row["batch"] >= 1 and row["threads"] >= 1 and row["iters"] >= 5, row
    assert 0 < row["p10_ms"] <= row["median_ms"] <= row["p90_ms"], row
    assert row["gflops"] >= 0, row
    assert 0 <= row["max_abs_err"] < 1e-2, row
    for item in expect:
        key, value = item.split("=", 1)
        assert str(row[key]) == value, f"{key} is {row[key]!r}, want {value} in {row}"
print(f"bench json: {len(rows)} line(s) ok:", " ".join(sorted({r['workload'] for r in rows})))
