/* Embeds graphc from C: compile an ONNX model for a batch of 2, run it on the caller's buffers,
 * print the outputs. Usage: embed_c MODEL.onnx [BACKEND] */
#include <graphc/graphc.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Prints the failed call and the library's message, and leaves main with 1. */
#define CHECK(call)                                                                                      \
  do {                                                                                                   \
    graphc_status status_ = (call);                                                                      \
    if (status_ != GRAPHC_OK) {                                                                          \
      fprintf(stderr, "%s: %s: %s\n", #call, graphc_status_name(status_), graphc_last_error_message()); \
      goto done;                                                                                         \
    }                                                                                                    \
  } while (0)

static void print_info(const char* kind, const graphc_tensor_info* info) {
  printf("%s %s: f32[", kind, info->name);
  for (size_t d = 0; d < info->rank; ++d) printf("%s%lld", d ? "," : "", (long long)info->dims[d]);
  printf("]\n");
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL.onnx [BACKEND]\n", argv[0]);
    return 2;
  }
  int result = 1, major = 0, minor = 0, patch = 0;
  graphc_options* options = NULL;
  graphc_model* model = NULL;
  graphc_session* session = NULL;
  float* x = NULL;
  float* y = NULL;
  graphc_tensor_info in_info, out_info;

  CHECK(graphc_get_version(&major, &minor, &patch));
  printf("graphc %d.%d.%d\n", major, minor, patch);
  CHECK(graphc_options_create(&options));
  if (argc > 2) CHECK(graphc_options_set_backend(options, argv[2]));
  CHECK(graphc_options_bind_dim(options, "N", 2)); /* the batch: the model's inputs are f32[N,...] */
  CHECK(graphc_model_compile_file(argv[1], options, &model));
  CHECK(graphc_model_input_info(model, 0, &in_info));
  CHECK(graphc_model_output_info(model, 0, &out_info));
  print_info("input", &in_info);
  print_info("output", &out_info);

  /* The caller owns the memory: the run reads x and writes y in place. */
  x = malloc(in_info.bytes);
  y = malloc(out_info.bytes);
  if (!x || !y) goto done;
  for (size_t i = 0; i < in_info.bytes / sizeof(float); ++i) x[i] = (float)sin(0.1 * (double)i);
  CHECK(graphc_session_create(model, &session));
  graphc_input input = {in_info.name, GRAPHC_DTYPE_F32, x, in_info.bytes};
  graphc_output output = {out_info.name, GRAPHC_DTYPE_F32, y, out_info.bytes};
  CHECK(graphc_run(model, session, &input, 1, &output, 1));

  size_t rows = (size_t)out_info.dims[0], cols = out_info.bytes / sizeof(float) / rows;
  for (size_t r = 0; r < rows; ++r) {
    size_t best = 0;
    printf("row %zu:", r);
    for (size_t c = 0; c < cols; ++c) {
      printf(" %.4f", y[r * cols + c]);
      if (y[r * cols + c] > y[r * cols + best]) best = c;
    }
    printf("  -> class %zu\n", best);
  }
  result = 0;
done:
  graphc_session_free(session);
  graphc_model_free(model);
  graphc_options_free(options);
  free(x);
  free(y);
  return result;
}
