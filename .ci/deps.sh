#!/usr/bin/env bash
# Installs the Debian 12 packages graphc needs, only those missing (near-free when all are there).
set -euo pipefail
packages=(build-essential cmake ninja-build python3 llvm-16-dev llvm-16-tools libzstd-dev libdnnl-dev
  ocl-icd-opencl-dev libfmt-dev doctest-dev libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev
  nlohmann-json3-dev graphviz python3-onnx python3-numpy ccache pkg-config
  # Distributed training (graphc train --distributed) and its tests: OpenMPI and mpirun.
  libopenmpi-dev openmpi-bin
  # The fuzz build (tools/fuzz): clang with libFuzzer and the sanitizers. libomp: the fuzz
  # build's OpenMP, and the TSan run's (its Archer tool tells TSan about OpenMP's barriers).
  clang-16 libclang-rt-16-dev libomp-16-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
