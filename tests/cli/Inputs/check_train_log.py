# Checks a `graphc train --log-json` file (stdlib only: no numpy in CI).
#   check_train_log.py LOG [--epochs N] [--decreasing] [--accuracy yes|no]
#                          [--expect FILE KEY] [--tol T] [--same OTHER] [--differ OTHER]
# Schema: {"epochs": [{"epoch": 1, "loss": L, "accuracy": A or null, "seconds": S}, ...]}.
# Prints "ok" when every check passes, else what failed, and exits 1.
import argparse
import json
import sys

p = argparse.ArgumentParser()
p.add_argument("log")
p.add_argument("--epochs", type=int)
p.add_argument("--decreasing", action="store_true")
p.add_argument("--accuracy", choices=["yes", "no"])
p.add_argument("--expect", nargs=2, metavar=("FILE", "KEY"))
p.add_argument("--tol", type=float, default=1e-5)
p.add_argument("--same")
p.add_argument("--differ")
a = p.parse_args()


def die(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def losses(path):
    with open(path) as f:
        log = json.load(f)
    if set(log) != {"epochs"} or not isinstance(log["epochs"], list):
        die(f"{path}: top level must be exactly {{'epochs': [...]}}, got {list(log)}")
    for i, e in enumerate(log["epochs"]):
        if set(e) != {"epoch", "loss", "accuracy", "seconds"}:
            die(f"{path}: epoch entry {i} has keys {sorted(e)}")
        if e["epoch"] != i + 1 or not isinstance(e["loss"], float) or not isinstance(e["seconds"], (int, float)) or e["seconds"] < 0:
            die(f"{path}: bad epoch entry {e}")
        if e["accuracy"] is not None and not 0 <= e["accuracy"] <= 1:
            die(f"{path}: accuracy out of [0, 1]: {e}")
    return log["epochs"]


epochs = losses(a.log)
L = [e["loss"] for e in epochs]
if a.epochs is not None and len(epochs) != a.epochs:
    die(f"{len(epochs)} epochs, expected {a.epochs}")
if a.decreasing and any(later >= earlier for earlier, later in zip(L, L[1:])):
    die(f"the loss does not fall every epoch: {L}")
if a.accuracy == "yes" and any(e["accuracy"] is None for e in epochs):
    die("accuracy missing")
if a.accuracy == "no" and any(e["accuracy"] is not None for e in epochs):
    die("accuracy given where the labels are not classes")
if a.expect:
    with open(a.expect[0]) as f:
        want = json.load(f)[a.expect[1]]
    if len(want) != len(L) or any(abs(x - y) > a.tol * max(1.0, abs(y)) for x, y in zip(L, want)):
        die(f"losses {L}, expected {want} (tolerance {a.tol})")
if a.same and [e["loss"] for e in losses(a.same)] != L:
    die(f"losses differ from {a.same}")
if a.differ and [e["loss"] for e in losses(a.differ)] == L:
    die(f"losses equal those of {a.differ}")
print("ok")
