/* bundle_io.h: what the bundle test programs share: the bundle named at compile time
 * (-include NAME.h -DBUNDLE=NAME -DBUNDLE_UPPER=NAME_IN_CAPITALS; one f32 input, one f32 output)
 * and its run buffers over caller-owned blocks. */
#ifndef BUNDLE_TEST_IO_H
#define BUNDLE_TEST_IO_H

#include <stdalign.h>
#include <stdio.h>

#include "npy.h"

#define GLUE2(a, b) a##b
#define GLUE(a, b) GLUE2(a, b)
#define M(suffix) GLUE(BUNDLE_UPPER, suffix)
#define BUNDLE_RUN GLUE(BUNDLE, _run)

static alignas(M(_ARENA_ALIGNMENT)) unsigned char arena[M(_ARENA_BYTES)];
static alignas(64) float output[M(_OUTPUT_0_ELEMENTS)];
static const void* inputs[1];
static void* outputs[1] = {output};
static size_t input_bytes[1] = {M(_INPUT_0_BYTES)}, output_bytes[1] = {M(_OUTPUT_0_BYTES)};
static const char* const messages[] = M(_ERROR_MESSAGES);

/* The run buffers over the blocks above, with the input read from PATH (checked against the
 * header's shape); 0 on success. */
static inline int prepare_run(const char* path, graphc_run_buffers* run, npy_array* in) {
  static const int64_t shape[] = M(_INPUT_0_SHAPE);
  if (npy_read(path, in) != 0) return -1;
  if (strcmp(in->dtype, "<f4") != 0 || in->rank != M(_INPUT_0_RANK) || memcmp(in->shape, shape, sizeof shape) != 0) {
    fprintf(stderr, "%s: not f32 of the bundle's input shape\n", path);
    return -1;
  }
  inputs[0] = in->data;
  memset(run, 0, sizeof *run);
  run->abi_version = GRAPHC_ABI_VERSION;
  run->num_inputs = 1, run->inputs = inputs, run->input_bytes = input_bytes;
  run->num_outputs = 1, run->outputs = outputs, run->output_bytes = output_bytes;
  run->arena = arena, run->arena_bytes = sizeof arena;
  return 0;
}

#endif /* BUNDLE_TEST_IO_H */
