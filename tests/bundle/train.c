/* train X.npy Y.npy EPOCHS BATCH OUT.npy: trains with a training-step bundle (inputs x and one-hot
 * f32 labels, output 0 the loss; see bundle_test.sh's train case) on the batches in file order,
 * prints each epoch's mean loss as graphc train --log-json does, and writes param 0 as trained.
 * Exit 1 on any error, with a message. */
#include <stdalign.h>
#include <stdio.h>

#include "npy.h"

#define GLUE2(a, b) a##b
#define GLUE(a, b) GLUE2(a, b)
#define M(suffix) GLUE(BUNDLE_UPPER, suffix)

static alignas(M(_ARENA_ALIGNMENT)) unsigned char arena[M(_ARENA_BYTES)];
static alignas(M(_STATE_ALIGNMENT)) unsigned char state[M(_STATE_BYTES)];
static alignas(64) float x[M(_INPUT_0_ELEMENTS)], labels[M(_INPUT_1_ELEMENTS)], loss[1];
static alignas(64) unsigned char rest[M(_OUTPUT_1_BYTES)];
static const char* const messages[] = M(_ERROR_MESSAGES);

int main(int argc, char** argv) {
  npy_array data, classes;
  if (argc != 6 || npy_read(argv[1], &data) != 0 || npy_read(argv[2], &classes) != 0) return 1;
  int epochs = atoi(argv[3]), batch = atoi(argv[4]);
  static const int64_t xShape[] = M(_INPUT_0_SHAPE), yShape[] = M(_INPUT_1_SHAPE);
  int64_t features = xShape[1], depth = yShape[1];
  if (strcmp(data.dtype, "<f4") != 0 || strcmp(classes.dtype, "<i8") != 0 || batch != xShape[0] ||
      data.shape[1] != features || classes.shape[0] != data.shape[0]) {
    fprintf(stderr, "the data do not fit the bundle\n");
    return 1;
  }
  const void* inputs[2] = {x, labels};
  void* outputs[2] = {loss, rest};
  size_t inputBytes[2] = {sizeof x, sizeof labels}, outputBytes[2] = {sizeof loss, sizeof rest};
  graphc_run_buffers run = {GRAPHC_ABI_VERSION, 2, inputs, inputBytes, 2, outputs, outputBytes,
                            arena, sizeof arena, state, sizeof state, NULL, 0};
  GLUE(BUNDLE, _init_state)(state);
  int64_t steps = data.shape[0] / batch;
  for (int e = 0; e < epochs; ++e) {
    double sum = 0;
    for (int64_t s = 0; s < steps; ++s) {
      memcpy(x, (const float*)data.data + s * batch * features, sizeof x);
      memset(labels, 0, sizeof labels);
      for (int64_t i = 0; i < batch; ++i) labels[i * depth + ((const int64_t*)classes.data)[s * batch + i]] = 1;
      int32_t code = GLUE(BUNDLE, _run)(&run);
      if (code != 0) {
        fprintf(stderr, "error %d: %s\n", code, messages[code - 1]);
        return 1;
      }
      sum += loss[0];
    }
    printf("%.6f\n", sum / (double)steps);
  }
  static const int64_t paramShape[] = M(_PARAM_0_SHAPE);
  if (npy_write_f32(argv[5], (const float*)(state + M(_PARAM_0_OFFSET)), M(_PARAM_0_RANK), paramShape) != 0) return 1;
  /* Without a state block the step is refused before it runs. */
  run.state = NULL;
  int32_t code = GLUE(BUNDLE, _run)(&run);
  if (code <= 0) {
    fprintf(stderr, "a missing state block was not refused\n");
    return 1;
  }
  fprintf(stderr, "refused a missing state block: %s\n", messages[code - 1]);
  return 0;
}
