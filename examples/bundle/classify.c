/* classify: the seed MLP as an ahead-of-time bundle (seed.o + seed.h from graphc compile --emit
 * bundle, compiled for one sample: --shape x=1x10) classifies the held-out data, one sample per
 * run, and prints the accuracy. It links seed.o and libm alone: no graphc, LLVM or oneDNN.
 *
 *   usage: classify X_TEST.npy Y_TEST.npy   (f32 [N,10] and int64 [N], as seed_make_data writes) */
#include <stdalign.h>
#include <stdio.h>

#include "npy.h"
#include "seed.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: classify X_TEST.npy Y_TEST.npy\n");
    return 2;
  }
  npy_array x, y;
  if (npy_read(argv[1], &x) != 0 || npy_read(argv[2], &y) != 0) return 1;
  const int64_t features = SEED_INPUT_0_ELEMENTS, classes = SEED_OUTPUT_0_ELEMENTS;
  if (strcmp(x.dtype, "<f4") != 0 || x.rank != 2 || x.shape[1] != features || strcmp(y.dtype, "<i8") != 0 ||
      y.rank != 1 || y.shape[0] != x.shape[0]) {
    fprintf(stderr, "expected x f32 [N,%lld] and labels int64 [N]\n", (long long)features);
    return 1;
  }

  /* The blocks a run needs, all the caller's: the arena (64-byte aligned), the output. */
  static alignas(SEED_ARENA_ALIGNMENT) unsigned char arena[SEED_ARENA_BYTES];
  SEED_OUTPUT_0_CTYPE probs[SEED_OUTPUT_0_ELEMENTS];
  const void* inputs[1];
  void* outputs[1] = {probs};
  size_t input_bytes[1] = {SEED_INPUT_0_BYTES}, output_bytes[1] = {SEED_OUTPUT_0_BYTES};
  graphc_run_buffers run = {0};
  run.abi_version = GRAPHC_ABI_VERSION;
  run.num_inputs = SEED_NUM_INPUTS, run.inputs = inputs, run.input_bytes = input_bytes;
  run.num_outputs = SEED_NUM_OUTPUTS, run.outputs = outputs, run.output_bytes = output_bytes;
  run.arena = arena, run.arena_bytes = sizeof arena;

  static const char* const messages[] = SEED_ERROR_MESSAGES;
  const float* samples = (const float*)x.data;
  const int64_t* labels = (const int64_t*)y.data;
  int64_t correct = 0;
  for (int64_t i = 0; i < x.shape[0]; ++i) {
    inputs[0] = samples + i * features;  /* read in place: no copy */
    int32_t code = seed_run(&run);
    if (code != 0) {
      fprintf(stderr, "seed_run: %s\n", messages[code - 1]);
      return 1;
    }
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (probs[c] > probs[best]) best = c;
    correct += best == labels[i];
  }
  printf("accuracy on %lld held-out samples: %.2f%%\n", (long long)x.shape[0], 100.0 * (double)correct / (double)x.shape[0]);
  free(x.data);
  free(y.data);
  return 0;
}
