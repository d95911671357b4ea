# GRAPHC_FUZZ: instruments everything built after this for libFuzzer (coverage), ASan and UBSan.
# Included from the top-level CMakeLists.txt before the libraries, so that all of them are.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "GRAPHC_FUZZ needs clang (libFuzzer), e.g. -DCMAKE_CXX_COMPILER=clang++-16")
endif()
# Any UB stops the run (a finding), as an ASan report does. -fsanitize=function is left out:
# it reads a signature in front of every indirect callee, and the llvm backend's callees are
# JIT-compiled code that has none.
set(graphc_fuzz_sanitizers -fsanitize=address,undefined -fno-sanitize=function -fno-sanitize-recover=undefined)
add_compile_options(-fsanitize=fuzzer-no-link ${graphc_fuzz_sanitizers} -fno-omit-frame-pointer -g1)
add_link_options(${graphc_fuzz_sanitizers})
