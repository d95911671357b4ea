/* train: trains the seed MLP on a device with no compiler. seedstep.o + seedstep.h come from
 *   graphc compile examples/seed/seed.graph --shape x=32x10 --backend llvm --emit bundle \
 *     -o DIR --bundle-name seedstep --train --loss cross_entropy --optimizer adam --lr 0.01
 * Each seedstep_run is one Adam step on a batch of 32: it updates the weights and the
 * optimizer's state in place, in a state block this program owns. The batches are taken in file
 * order; each epoch's mean loss is printed (as graphc train --no-shuffle logs it), and the trained
 * first weight matrix is written out. It links seedstep.o and libm alone.
 *
 *   usage: train X.npy Y.npy EPOCHS W1_OUT.npy   (f32 [N,10] and int64 [N], as seed_make_data writes) */
#include <stdalign.h>
#include <stdio.h>

#include "npy.h"
#include "seedstep.h"

/* Every block a step needs, all the caller's: the arena, the state (the weights being trained),
 * the batch, its one-hot labels, and the outputs (the loss, then the probabilities). */
static alignas(SEEDSTEP_ARENA_ALIGNMENT) unsigned char arena[SEEDSTEP_ARENA_BYTES];
static alignas(SEEDSTEP_STATE_ALIGNMENT) unsigned char state[SEEDSTEP_STATE_BYTES];
static SEEDSTEP_INPUT_0_CTYPE x[SEEDSTEP_INPUT_0_ELEMENTS];
static SEEDSTEP_INPUT_1_CTYPE labels[SEEDSTEP_INPUT_1_ELEMENTS];
static SEEDSTEP_OUTPUT_0_CTYPE loss[SEEDSTEP_OUTPUT_0_ELEMENTS];
static SEEDSTEP_OUTPUT_1_CTYPE probs[SEEDSTEP_OUTPUT_1_ELEMENTS];

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: train X.npy Y.npy EPOCHS W1_OUT.npy\n");
    return 2;
  }
  npy_array data, classes;
  if (npy_read(argv[1], &data) != 0 || npy_read(argv[2], &classes) != 0) return 1;
  static const int64_t xShape[] = SEEDSTEP_INPUT_0_SHAPE, yShape[] = SEEDSTEP_INPUT_1_SHAPE;
  const int64_t batch = xShape[0], features = xShape[1], depth = yShape[1];
  if (strcmp(data.dtype, "<f4") != 0 || data.rank != 2 || data.shape[1] != features || strcmp(classes.dtype, "<i8") != 0 ||
      classes.rank != 1 || classes.shape[0] != data.shape[0]) {
    fprintf(stderr, "expected x f32 [N,%lld] and labels int64 [N]\n", (long long)features);
    return 1;
  }
  const void* inputs[2] = {x, labels};
  void* outputs[2] = {loss, probs};
  size_t input_bytes[2] = {sizeof x, sizeof labels}, output_bytes[2] = {sizeof loss, sizeof probs};
  graphc_run_buffers run = {0};
  run.abi_version = GRAPHC_ABI_VERSION;
  run.num_inputs = SEEDSTEP_NUM_INPUTS, run.inputs = inputs, run.input_bytes = input_bytes;
  run.num_outputs = SEEDSTEP_NUM_OUTPUTS, run.outputs = outputs, run.output_bytes = output_bytes;
  run.arena = arena, run.arena_bytes = sizeof arena;
  run.state = state, run.state_bytes = sizeof state;
  seedstep_init_state(state);  /* the initial weights, and Adam's zeroed moments and step count */

  static const char* const messages[] = SEEDSTEP_ERROR_MESSAGES;
  const int64_t steps = data.shape[0] / batch;  /* a last smaller batch is dropped */
  for (int epoch = 1, epochs = atoi(argv[3]); epoch <= epochs; ++epoch) {
    double sum = 0;
    for (int64_t s = 0; s < steps; ++s) {
      memcpy(x, (const float*)data.data + s * batch * features, sizeof x);
      memset(labels, 0, sizeof labels);
      for (int64_t i = 0; i < batch; ++i) labels[i * depth + ((const int64_t*)classes.data)[s * batch + i]] = 1;
      int32_t code = seedstep_run(&run);
      if (code != 0) {
        fprintf(stderr, "seedstep_run: %s\n", messages[code - 1]);
        return 1;
      }
      sum += loss[0];
    }
    printf("epoch %d loss %.6f\n", epoch, sum / (double)steps);
  }
  /* The trained weights are in the state block, where the header says. */
  static const int64_t w1Shape[] = SEEDSTEP_PARAM_0_SHAPE;
  if (npy_write_f32(argv[4], (const float*)(state + SEEDSTEP_PARAM_0_OFFSET), SEEDSTEP_PARAM_0_RANK, w1Shape) != 0) return 1;

  /* A step without its state block is refused before it touches anything. */
  run.state = NULL;
  int32_t code = seedstep_run(&run);
  if (code == 0) {
    fprintf(stderr, "a step without a state block was not refused\n");
    return 1;
  }
  fprintf(stderr, "without a state block: %s\n", messages[code - 1]);
  free(data.data);
  free(classes.data);
  return 0;
}
