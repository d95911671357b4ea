/* The raw-buffer ABI of a compiled program: everything one run touches, as pointers and sizes.
 * Every run goes through it: Executable::run(ctx, graphc_run_buffers) checks it and hands it to
 * the backend (dnnl binds its buffers to it, runtime/bind.h); the llvm backend's generated
 * entry point, int32_t graphc_run(const graphc_run_buffers*), takes it as it is. Plain C, so
 * that a generated header can include it. */
#ifndef GRAPHC_RUNTIME_ABI_H
#define GRAPHC_RUNTIME_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a field below changes meaning or place. */
#define GRAPHC_ABI_VERSION 1

/* Every block a program reads or writes is 64-byte aligned (a cache line, a full AVX-512
 * vector); the sizes below are the bytes the program uses, not rounded up. */
#define GRAPHC_ABI_ALIGNMENT 64

typedef struct graphc_run_buffers {
  /* Must be GRAPHC_ABI_VERSION: a program refuses buffers laid out for another version. */
  uint32_t abi_version;
  /* The graph's inputs, in the graph's input order: num_inputs pointers to row-major (C order)
   * data of the input's type, and their sizes in bytes. Read only; a run never copies them. */
  uint32_t num_inputs;
  const void* const* inputs;
  const size_t* input_bytes;
  /* The graph's outputs, in the graph's output order: the caller's memory, written in place
   * (row-major, of the output's type). An output may not overlap an input or another output. */
  uint32_t num_outputs;
  void* const* outputs;
  const size_t* output_bytes;
  /* The arena: every intermediate value at its planned offset. Owned by the caller (one per
   * concurrent run); its contents do not outlive a run. */
  void* arena;
  size_t arena_bytes;
  /* The state block of a training step: the params and optimizer state the step updates, one
   * copy per context, at offsets fixed at prepare. Initialised once from the model's data and
   * rewritten by every run. Null with state_bytes 0 for a program without updates. */
  void* state;
  size_t state_bytes;
  /* Per-run scratch (a library's temporary workspace, e.g. oneDNN's scratchpad); contents do not
   * outlive a step. */
  void* scratch;
  size_t scratch_bytes;
} graphc_run_buffers;

#ifdef __cplusplus
}
#endif

#endif /* GRAPHC_RUNTIME_ABI_H */
