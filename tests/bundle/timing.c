/* timing IN.npy [SECONDS]: times single runs of the bundle (see bundle_io.h) for SECONDS (default
 * 2) after 3 untimed ones, and prints the median, p10 and p90 in ms, as graphc bench does for
 * the JIT (measure.sh puts the two side by side). */
#include <time.h>

#include "bundle_io.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int by_value(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  graphc_run_buffers run;
  npy_array in;
  if (argc < 2 || prepare_run(argv[1], &run, &in) != 0) return 1;
  double budget = argc > 2 ? atof(argv[2]) : 2.0;
  for (int i = 0; i < 3; ++i)
    if (BUNDLE_RUN(&run) != 0) return 1;
  size_t capacity = 1 << 20, count = 0;
  double* times = malloc(capacity * sizeof(double));
  double start = now();
  while (count < capacity && now() - start < budget) {
    double t0 = now();
    int32_t code = BUNDLE_RUN(&run);
    times[count++] = now() - t0;
    if (code != 0) return 1;
  }
  qsort(times, count, sizeof(double), by_value);
  printf("%zu runs  median %.4f ms   p10 %.4f ms   p90 %.4f ms\n", count, 1e3 * times[count / 2], 1e3 * times[count / 10],
         1e3 * times[count * 9 / 10]);
  free(times);
  return 0;
}
