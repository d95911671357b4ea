/* driver IN.npy OUT.npy: runs the bundle (see bundle_io.h) once and writes its output, for the
 * bundle tests to compare with graphc run --backend ref. Exit 1 on any error, with a message. */
#include "bundle_io.h"

int main(int argc, char** argv) {
  graphc_run_buffers run;
  npy_array in;
  if (argc != 3 || prepare_run(argv[1], &run, &in) != 0) return 1;
  int32_t code = BUNDLE_RUN(&run);
  if (code != 0) {
    fprintf(stderr, "error %d: %s\n", code, messages[code - 1]);
    return 1;
  }
  static const int64_t shape[] = M(_OUTPUT_0_SHAPE);
  if (npy_write_f32(argv[2], output, M(_OUTPUT_0_RANK), shape) != 0) {
    fprintf(stderr, "%s: cannot write\n", argv[2]);
    return 1;
  }
  /* The entry checks its buffers: a wrong ABI version is refused with a message, not run. */
  run.abi_version = GRAPHC_ABI_VERSION + 1;
  code = BUNDLE_RUN(&run);
  if (code <= 0) {
    fprintf(stderr, "a wrong abi_version was not refused\n");
    return 1;
  }
  printf("refused a wrong abi_version: %s\n", messages[code - 1]);
  return 0;
}
