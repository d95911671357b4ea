#!/usr/bin/env python3
"""Distributed training tests (graphc train under mpirun), one case per CTest entry.

  equivalence GRAPHC MAKE_DATA BACKEND K: with --no-shuffle, K ranks at batch B log the same
      per-epoch loss and accuracy as one process at batch K*B, within 1e-5 relative; rank 0
      alone writes the log and the model.
  capi CAPI_MPI - BACKEND K: K ranks of an MPI application train through the C API with
      graphc_options_set_mpi_comm; their weights must agree (tests/distributed/capi_mpi.c).
  rank_dies GRAPHC MAKE_DATA BACKEND MODE: rank 1 of 2 is killed (MODE kill: SIGKILL) or stops
      answering (MODE hang: SIGSTOP) mid-run; the job must end, non-zero, within a bounded
      time, with a message that says what happened.

Exit 77 (CTest SKIP_RETURN_CODE) with a visible message where mpirun is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SEED_GRAPH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "seed", "seed.graph")
BATCH = 16
EPOCHS = 3


def mpi_env(env):
    """OpenMPI keeps what MPI_Init allocates until exit: under ASan, LeakSanitizer gets the
    suppressions of .ci/sanitizers/lsan_mpi.supp, and full stacks that name OpenMPI's libraries."""
    supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".ci", "sanitizers", "lsan_mpi.supp")
    env = dict(env, OMPI_MCA_mca_base_component_disable_dlclose="1")
    env["LSAN_OPTIONS"] = ":".join(filter(None, [env.get("LSAN_OPTIONS"), f"suppressions={supp}", "print_suppressions=0"]))
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"
    return env


def mpirun(k):
    # As root, OpenMPI wants both variables; --oversubscribe: more ranks than this machine's cores.
    env = mpi_env(dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1",
                       OMPI_MCA_btl="self,vader,tcp", OMPI_MCA_btl_vader_single_copy_mechanism="none"))
    return ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(k)], env


def train_args(graphc, data, backend, batch, log, save, epochs=EPOCHS):
    return [graphc, "train", SEED_GRAPH, "--data", f"{data}/x.npy", "--labels", f"{data}/y.npy", "--loss", "cross_entropy",
            "--optimizer", "adam", "--lr", "0.01", "--epochs", str(epochs), "--batch", str(batch), "--no-shuffle",
            "--backend", backend, "--threads", "1", "--log-json", log, "--save", save]


def run(cmd, env=None, timeout=300):
    p = subprocess.run(cmd, env=env or mpi_env(os.environ), capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def equivalence(graphc, make_data, backend, k, tmp):
    k = int(k)
    run([make_data, f"{tmp}/data", "--samples", str(k * BATCH * 8), "--test", "8"])
    # One process, even with --distributed but no launcher, compiles the step without collectives.
    single = run(train_args(graphc, f"{tmp}/data", backend, k * BATCH, f"{tmp}/one.json", f"{tmp}/one.graph") +
                 ["--distributed", "--print-after-all"])
    if "allreduce" in single.stderr or "IR after dce" not in single.stderr:
        sys.exit("FAIL: a single process's training step has collectives (or no IR was printed)")
    launcher, env = mpirun(k)
    p = run(launcher + train_args(graphc, f"{tmp}/data", backend, BATCH, f"{tmp}/many.json", f"{tmp}/many.graph") + ["--distributed"],
            env)
    print(p.stdout)
    if p.stdout.count("epoch 1/") != 1:
        sys.exit(f"FAIL: the epoch log must be printed once (by rank 0):\n{p.stdout}")
    if f"distributed: {k} ranks" not in p.stdout:
        sys.exit(f"FAIL: no distributed summary in\n{p.stdout}")
    one = json.load(open(f"{tmp}/one.json"))["epochs"]
    many = json.load(open(f"{tmp}/many.json"))["epochs"]
    if len(one) != EPOCHS or len(many) != EPOCHS:
        sys.exit(f"FAIL: expected {EPOCHS} epochs, got {len(one)} and {len(many)}")
    for a, b in zip(one, many):
        rel = abs(a["loss"] - b["loss"]) / abs(a["loss"])
        print(f"epoch {a['epoch']}: 1 x {k * BATCH} loss {a['loss']:.9f}, {k} x {BATCH} loss {b['loss']:.9f}, relative {rel:.2e}")
        if rel > 1e-5:
            sys.exit(f"FAIL: epoch {a['epoch']}: the losses differ by {rel:.3e} relative (> 1e-5)")
        if abs(a["accuracy"] - b["accuracy"]) > 1.5 / (k * BATCH * 8):
            sys.exit(f"FAIL: epoch {a['epoch']}: accuracy {a['accuracy']} against {b['accuracy']}")
    if not os.path.exists(f"{tmp}/many.graph"):
        sys.exit("FAIL: rank 0 did not save the model")
    print(f"PASS: {k} ranks at batch {BATCH} follow one process at batch {k * BATCH} on {backend}")


def rank_dies(graphc, make_data, backend, mode, tmp):
    run([make_data, f"{tmp}/data", "--samples", "2048", "--test", "8"])
    launcher, env = mpirun(2)
    env["GRAPHC_TEST_DIE_AT_STEP"] = "1:5" + (":hang" if mode == "hang" else "")
    cmd = launcher + train_args(graphc, f"{tmp}/data", backend, BATCH, f"{tmp}/log.json", f"{tmp}/model.graph", epochs=50) + [
        "--distributed", "--watchdog", "5"]
    bound = 90
    t0 = time.time()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=bound)
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL: the job still ran after {bound} s: a dead rank made it hang")
    seconds = time.time() - t0
    out = p.stdout + p.stderr
    print(out)
    if p.returncode == 0:
        sys.exit("FAIL: the job succeeded although rank 1 died")
    # A killed rank: mpirun ends the others (or their MPI calls fail first); a silent one: rank 0's
    # watchdog gives up on it. Either way rank 0 says so itself.
    expected = ["error: rank 0: "] + ([] if mode == "kill" else ["allreduce of gradient bucket 0: no answer from the other ranks"])
    if not all(e in out for e in expected):
        sys.exit(f"FAIL: rank 0 did not say what happened (expected {expected})")
    if os.path.exists(f"{tmp}/model.graph") or os.path.exists(f"{tmp}/log.json"):
        sys.exit("FAIL: a failed job wrote --save or --log-json")
    print(f"PASS: rank 1 {'killed' if mode == 'kill' else 'hung'}; the job ended in {seconds:.1f} s with exit {p.returncode}")


def capi(program, _, backend, k, tmp):
    launcher, env = mpirun(int(k))
    p = run(launcher + [program, SEED_GRAPH, backend], env)
    print(p.stdout)
    if "PASS" not in p.stdout:
        sys.exit("FAIL: the C API's ranks did not agree")


def main():
    cases = {"equivalence": equivalence, "rank_dies": rank_dies, "capi": capi}
    if len(sys.argv) != 6 or sys.argv[1] not in cases:
        sys.exit(__doc__)
    if not shutil.which("mpirun"):
        print("SKIP: mpirun not found (install openmpi-bin): the distributed tests did not run")
        return 77
    case, graphc, make_data, backend, arg = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        cases[case](graphc, make_data, backend, arg, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
