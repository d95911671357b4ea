"""Bad input, end to end (issue 13): every command and option, fed something wrong.

Usage: bad_input.py GRAPHC INPUTS DATA WORKDIR

Each case runs graphc once in a fresh, empty folder and checks what a user relies on:
  - it exits non-zero, and is not killed by a signal (an abort, a segfault, the OOM killer);
  - it finishes within the time limit (no hang);
  - stderr says what is wrong and where (a regular expression per case);
  - stderr shows no crash report (terminate, assertion, sanitizer);
  - the folder is still empty afterwards: no partial output file.
Prints one line per failed case and exits 1 if any failed; prints the count on success.
"""
import os
import re
import shutil
import subprocess
import sys

graphc, inputs, data, workdir = sys.argv[1:5]
TIMEOUT_S = 120
CRASH_SIGNS = re.compile(r"terminate called|Assertion .* failed|AddressSanitizer|runtime error:|"
                         r"Segmentation fault|core dumped|std::bad_alloc|LLVM ERROR|PLEASE submit")


def inp(name):
    return os.path.join(inputs, name)


def onnx(name):
    return os.path.join(data, "onnx", name)


def write(name, content):
    path = os.path.join(workdir, "files", name)
    with open(path, "wb") as f:
        f.write(content)
    return path


os.makedirs(os.path.join(workdir, "files"), exist_ok=True)
with open(onnx("seed.onnx"), "rb") as f:
    seed_bytes = f.read()
truncated_onnx = write("truncated.onnx", seed_bytes[: len(seed_bytes) // 2])
garbage_onnx = write("garbage.onnx", b"\x0a\xff\xff\xff\xff\x0f" + b"\x00" * 64)
empty_graph = write("empty.graph", b"")
bad_ir = write("bad.graph", b"graph g {\n  input %x : f32[2]\n  %y = frobnicate(%x) : f32[2]\n  output y = %y\n}\n")
not_npy = write("not.npy", b"this is not an npy file at all")
truncated_npy = write("truncated.npy", open(inp("tiny_x.npy"), "rb").read()[:100])
a_file = write("a_file", b"x")
# A folder that cannot be created even by root (CI runs as root, which ignores permissions).
unwritable = os.path.join(a_file, "sub")
tiny = inp("tiny.graph")
small = inp("small.graph")
train_ok = ["train", tiny, "--data", inp("tiny_x.npy"), "--labels", inp("tiny_y.npy"),
            "--loss", "softmax_cross_entropy", "--optimizer", "sgd", "--batch", "2", "--epochs", "1"]

# (name, argv after graphc, regular expression stderr must match)
CASES = [
    # Model files, on every command.
    ("run/missing file", ["run", "no/such/model.onnx"], r"no/such/model\.onnx"),
    ("run/truncated onnx", ["run", truncated_onnx, "--input", "x=" + inp("one.npy")], r"truncated\.onnx.*(parse|protobuf|ONNX)"),
    ("compile/garbage onnx", ["compile", garbage_onnx, "-o", "out.graph"], r"garbage\.onnx"),
    ("bench/empty IR", ["bench", empty_graph, "--budget", "0"], r"empty\.graph"),
    ("opt/unknown op", ["opt", bad_ir], r"bad\.graph:3:\d+: error: .*frobnicate"),
    ("compile/unsupported ops listed at once", ["compile", inp("two_unsupported.onnx"), "-o", "out.graph"],
     r"(?s)2 problems.*'Unique'.*domain 'com\.example'"),
    ("run/model is a folder", ["run", inputs, "--input", "x=" + inp("one.npy")], r"Inputs"),
    # Data files.
    ("run/input not npy", ["run", tiny, "--input", "x=" + not_npy], r"not\.npy"),
    ("run/input truncated npy", ["run", tiny, "--input", "x=" + truncated_npy], r"truncated\.npy"),
    ("run/input wrong shape", ["run", tiny, "--input", "x=" + inp("tiny_x_7.npy")], r"x.*\[.*7"),
    ("run/input wrong dtype", ["run", small, "--input", "x=" + inp("small_x_f64.npy")], r"x.*f64"),
    ("run/input not in model", ["run", tiny, "--input", "nope=" + inp("tiny_x.npy")], r"nope"),
    ("run/input missing", ["run", tiny], r"x"),
    ("run/input without =", ["run", tiny, "--input", inp("tiny_x.npy")], r"--input"),
    # Outputs that cannot be written leave nothing behind.
    ("run/output dir unwritable", ["run", tiny, "--input", "x=" + inp("tiny_x.npy"), "--output-dir", unwritable],
     r"a_file/sub"),
    ("run/output dir is a file", ["run", tiny, "--input", "x=" + inp("tiny_x.npy"), "--output-dir", a_file], r"a_file"),
    ("compile/-o in unwritable dir", ["compile", tiny, "--shape", "x=1x6", "-o", unwritable + "/x.graph"], r"a_file/sub"),
    # --backend llvm.
    ("run/llvm input of another shape", ["run", onnx("lenet.onnx"), "--backend", "llvm", "--input", "x=" + inp("one.npy")],
     r"'x'"),
    ("bench/llvm unknown shape", ["bench", tiny, "--backend", "llvm", "--budget", "0"], r"N"),
    ("run/unknown backend", ["run", tiny, "--backend", "cuda"], r"--backend"),
    # --emit bundle and --target-*.
    ("compile/bundle needs llvm", ["compile", tiny, "--shape", "x=1x6", "--emit", "bundle", "-o", "b"], r"bundle.*llvm"),
    ("compile/bundle needs -o", ["compile", tiny, "--shape", "x=1x6", "--backend", "llvm", "--emit", "bundle"], r"-o"),
    ("compile/bundle -o is a file", ["compile", tiny, "--shape", "x=1x6", "--backend", "llvm", "--emit", "bundle",
                                     "-o", a_file], r"a_file"),
    ("compile/bundle unwritable", ["compile", tiny, "--shape", "x=1x6", "--backend", "llvm", "--emit", "bundle",
                                   "-o", unwritable + "/b"], r"a_file/sub"),
    ("compile/bundle symbolic shape", ["compile", tiny, "--backend", "llvm", "--emit", "bundle", "-o", "b"], r"N"),
    ("compile/bundle bad name", ["compile", tiny, "--shape", "x=1x6", "--backend", "llvm", "--emit", "bundle",
                                 "-o", "b", "--bundle-name", "1-bad name"], r"--bundle-name.*1-bad name"),
    ("compile/bad target cpu", ["compile", tiny, "--shape", "x=1x6", "--backend", "llvm", "--emit", "bundle",
                                "-o", "b", "--target-cpu", "pentium9000"], r"--target-cpu.*pentium9000"),
    ("compile/bad target triple", ["compile", tiny, "--shape", "x=1x6", "--backend", "llvm", "--emit", "asm",
                                   "-o", "x.s", "--target-triple", "sparc-sun-solaris"], r"--target-triple.*sparc"),
    ("compile/target cpu without llvm", ["compile", tiny, "--shape", "x=1x6", "--target-cpu", "znver3", "-o", "x.graph"],
     r"--target-cpu"),
    ("compile/asm needs llvm", ["compile", tiny, "--shape", "x=1x6", "--emit", "asm", "-o", "x.s"], r"asm.*llvm"),
    ("compile/bad shape", ["compile", tiny, "--shape", "x=0x-6", "-o", "x.graph"], r"--shape"),
    ("compile/shape of INT64_MAX", ["compile", tiny, "--shape", "x=9223372036854775807x6", "-o", "x.graph"],
     r"9223372036854775807"),
    ("compile/shape over memory", ["compile", tiny, "--shape", "x=99999999999x6", "-o", "x.graph"], r"memory limit"),
    ("compile/shape of unknown input", ["compile", tiny, "--shape", "y=2x6", "-o", "x.graph"], r"y"),
    # Training options.
    ("train/labels missing", train_ok[:4] + train_ok[6:], r"--labels"),
    ("train/labels too few", train_ok[:5] + [inp("tiny_y_short.npy")] + train_ok[6:], r"tiny_y_short\.npy"),
    ("train/labels out of range", train_ok[:5] + [inp("tiny_y_range.npy")] + train_ok[6:], r"tiny_y_range\.npy"),
    ("train/labels wrong rank", train_ok[:5] + [inp("tiny_y_2d.npy")] + train_ok[6:], r"tiny_y_2d\.npy"),
    ("train/data not npy", train_ok[:3] + [not_npy] + train_ok[4:], r"not\.npy"),
    ("train/batch over data", train_ok[:-4] + ["--batch", "100000", "--epochs", "1"], r"--batch"),
    ("train/bad lr", train_ok + ["--lr", "-1"], r"--lr"),
    ("train/zero epochs", train_ok + ["--epochs", "0"], r"--epochs"),
    ("train/unknown optimizer", train_ok[:-6] + ["lbfgs"] + train_ok[-5:], r"--optimizer"),
    ("train/no parameters", ["train", inp("noparams.graph")] + train_ok[2:], r"param"),
    ("train/save unwritable", train_ok + ["--save", unwritable + "/m.onnx"], r"a_file/sub"),
    ("train/log-json unwritable", train_ok + ["--log-json", unwritable + "/log.json"], r"a_file/sub"),
    ("train/unknown backend", train_ok + ["--backend", "tpu"], r"tpu"),
    ("train/bad on-nan", train_ok + ["--on-nan", "ignore"], r"--on-nan"),
    ("train/max-memory not a size", train_ok + ["--max-memory", "lots"], r"--max-memory"),
    # bench.
    ("bench/negative budget", ["bench", tiny, "--shape", "x=1x6", "--budget", "-1"], r"--budget"),
    ("bench/train without labels shape", ["bench", inp("noparams.graph"), "--train"], r"param|train"),
]


def run_case(name, argv, pattern):
    folder = os.path.join(workdir, "case")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    try:
        proc = subprocess.run([graphc] + argv, cwd=folder, capture_output=True, text=True, timeout=TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"hung for more than {TIMEOUT_S} s"
    problems = []
    if proc.returncode < 0:
        problems.append(f"killed by signal {-proc.returncode}")
    elif proc.returncode == 0:
        problems.append("exited 0")
    if not re.search(pattern, proc.stderr):
        problems.append(f"stderr does not match /{pattern}/")
    if CRASH_SIGNS.search(proc.stderr):
        problems.append("stderr shows a crash")
    left = sorted(os.listdir(folder))
    if left:
        problems.append(f"left files behind: {left}")
    if problems:
        return "; ".join(problems) + "\n    stderr: " + proc.stderr.strip().replace("\n", "\n    ")
    return None


failed = 0
for name, argv, pattern in CASES:
    problem = run_case(name, argv, pattern)
    if problem:
        failed += 1
        print(f"FAIL {name}: {problem}")
print(f"{len(CASES) - failed} of {len(CASES)} bad-input cases handled")
sys.exit(1 if failed else 0)
