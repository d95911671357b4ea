// GRAPHC_CLONES: a hot loop also compiled for AVX-512 and AVX2, the clone picked at load time for
// the CPU (the build targets baseline x86-64).
#pragma once

// Under ThreadSanitizer the clones' resolvers would run instrumented before its runtime starts,
// at load time, and crash; that build keeps the baseline code only.
#if defined(__SANITIZE_THREAD__)
#define GRAPHC_CLONES
#else
#define GRAPHC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
