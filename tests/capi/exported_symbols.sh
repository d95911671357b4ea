#!/usr/bin/env bash
# libgraphc exports the C API and nothing else: fails on any dynamic symbol it defines that is
# not graphc_*. Usage: exported_symbols.sh LIBGRAPHC.so
set -euo pipefail
lib=$1
# Symbols the linker itself defines in every shared object, not from our code or our static
# dependencies; a version script cannot make them local:
#   _init, _fini: the object's constructor and destructor entry points (DT_INIT/DT_FINI);
#   _edata, _end, __bss_start: the ends of the data and bss segments.
allowed='^(_init|_fini|_edata|_end|__bss_start)$'
# nm's type letter is lower case for a local symbol, which nothing outside can bind to (a debug
# build keeps e.g. std::piecewise_construct, an inline variable, in the dynamic table as LOCAL);
# 'u' is the exception: a unique global.
symbols=$(nm -D --defined-only "$lib" | awk '$(NF-1) ~ /^[A-Zu]$/ {print $NF}' | sed 's/@.*//' | sort -u)
api=$(grep -c '^graphc_' <<<"$symbols" || true)
others=$(grep -v '^graphc_' <<<"$symbols" | grep -Ev "$allowed" || true)
echo "exported: $api graphc_* symbols"
if [ -n "$others" ]; then
  echo "error: libgraphc exports symbols outside the C API:" >&2
  echo "$others" | head -50 >&2
  exit 1
fi
# Every function the header declares is exported (a symbol lost to the version script fails here).
declared=$(grep -oE 'GRAPHC_API [^(]*\b(graphc_[a-z_]+)\(' "$2" | grep -oE 'graphc_[a-z_]+\($' | tr -d '(' | sort -u)
missing=$(comm -23 <(echo "$declared") <(grep '^graphc_' <<<"$symbols"))
if [ -n "$missing" ]; then
  echo "error: declared in graphc.h but not exported: $missing" >&2
  exit 1
fi
echo "all $(echo "$declared" | wc -l) functions of graphc.h are exported, nothing else"
