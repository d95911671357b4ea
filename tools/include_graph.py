#!/usr/bin/env python3
"""graphc's include graph, folder by folder, and the layering rules it must keep.

  python3 tools/include_graph.py            # the edges: "from -> to (number of #includes)"
  python3 tools/include_graph.py --dot      # the same as a Graphviz digraph
  python3 tools/include_graph.py --check    # exit 1 with FILE:LINE for every include that breaks a rule

Each arrow must point down the layers below: no pass includes a backend, no runtime header
includes a pass, and LLVM and oneDNN headers stay in their backend's folder (LLVM's cost 6-12 s
per file).
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["ir", "frontend", "passes", "runtime", "backend", "driver", "tools", "include"]
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')

# Components, bottom to top, and what each may include besides itself. A file belongs to the
# longest component prefix of its path.
ALLOWED = {
    "ir": set(),
    "ir/eval": {"ir"},
    "frontend/npy": {"ir"},
    "frontend/dot": {"ir"},
    "frontend/text": {"ir", "frontend/npy"},
    "frontend/onnx": {"ir", "ir/eval", "frontend/npy"},
    "passes": {"ir", "ir/eval"},
    "passes/train": {"ir", "ir/eval", "passes"},
    "runtime/memory": {"ir"},
    "runtime": {"ir", "runtime/memory"},
    "runtime/mpi": {"ir", "runtime"},
    "backend/ref": {"ir", "ir/eval", "runtime", "runtime/memory"},
    "backend/dnnl": {"ir", "ir/eval", "runtime", "runtime/memory"},
    # llvm's prepare runs expand_dense_grad itself on a graph that did not come through the driver.
    "backend/llvm": {"ir", "ir/eval", "runtime", "runtime/memory", "passes"},
    # The registry is the one place that knows every backend.
    "backend": {"ir", "runtime", "backend/ref", "backend/dnnl", "backend/llvm"},
    "driver": {"ir", "ir/eval", "frontend/npy", "frontend/dot", "frontend/text", "frontend/onnx", "passes",
               "passes/train", "runtime", "runtime/memory", "runtime/mpi", "backend"},
    "include": set(),
    "tools": {"ir", "frontend/npy", "frontend/dot", "frontend/text", "frontend/onnx", "passes", "passes/train",
              "runtime", "runtime/memory", "runtime/mpi", "backend", "driver"},
}
# Third-party headers that must stay inside one component: no file elsewhere includes them, nor
# includes a header of that component that does (LLVM's cost 6-12 s per file).
CONFINED = {
    "llvm/": "backend/llvm",
    "oneapi/dnnl": "backend/dnnl",
    "mpi.h": "runtime/mpi",
}


def component(path: str) -> str | None:
    best = None
    for c in ALLOWED:
        if path == c or path.startswith(c + "/"):
            if best is None or len(c) > len(best):
                best = c
    return best


def sources():
    for d in SOURCE_DIRS:
        base = ROOT / d
        if base.is_dir():
            for p in sorted(base.rglob("*")):
                if p.suffix in (".h", ".hpp", ".cpp", ".c", ".def") and p.is_file():
                    yield p.relative_to(ROOT).as_posix()


def includes(path: str):
    for lineno, line in enumerate((ROOT / path).read_text(errors="replace").splitlines(), 1):
        m = INCLUDE.match(line)
        if m:
            yield lineno, m.group(1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dot", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    edges: dict[tuple[str, str], int] = {}
    violations = []
    # Which of our headers include a confined library, directly.
    confined_in = {path: prefix for path in sources() for _, inc in includes(path)
                   for prefix in CONFINED if inc.startswith(prefix)}
    for path in sources():
        src = component(path)
        if src is None:
            continue
        for lineno, inc in includes(path):
            for prefix, home in CONFINED.items():
                lib = prefix if inc.startswith(prefix) else confined_in.get(inc)
                if lib == prefix and src != home:
                    via = "" if inc.startswith(prefix) else f" (through \"{inc}\")"
                    violations.append(f"{path}:{lineno}: <{prefix}...> belongs in {home}/{via}")
            dst = component(inc) if (ROOT / inc).is_file() else None
            if dst is None or dst == src:
                continue
            edges[(src, dst)] = edges.get((src, dst), 0) + 1
            if dst not in ALLOWED[src]:
                violations.append(f"{path}:{lineno}: {src} must not include {dst} (\"{inc}\")")

    if args.dot:
        print("digraph includes {\n  rankdir=TB;")
        for (a, b), n in sorted(edges.items()):
            print(f'  "{a}" -> "{b}" [label="{n}"];')
        print("}")
    elif not args.check:
        for (a, b), n in sorted(edges.items()):
            print(f"{a} -> {b} ({n})")
    if args.check:
        for v in violations:
            print(v, file=sys.stderr)
        if violations:
            print(f"{len(violations)} include(s) break the layering", file=sys.stderr)
            return 1
        print(f"layering ok: {sum(edges.values())} cross-folder includes, all pointing down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
