// The plain copy loop that bench/llvm_targets.sh holds a fused elementwise group against: y = x
// over N floats on T OpenMP threads (static halves, as the group's loop splits its range), the
// median of repeated runs over one second, as a JSON line in graphc bench's schema.
// Usage: copy_bandwidth N THREADS
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int byTime(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: copy_bandwidth N THREADS\n");
    return 2;
  }
  long n = atol(argv[1]);
  int threads = atoi(argv[2]);
  if (n <= 0 || threads <= 0) {
    fprintf(stderr, "copy_bandwidth: N and THREADS must be positive\n");
    return 2;
  }
  // aligned_alloc wants a multiple of the alignment.
  size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
  float* x = aligned_alloc(64, bytes);
  float* y = aligned_alloc(64, bytes);
  if (!x || !y) {
    fprintf(stderr, "copy_bandwidth: out of memory\n");
    return 1;
  }
  for (long i = 0; i < n; ++i) x[i] = (float)i;
  memset(y, 0, n * sizeof(float));
  enum { kMaxRuns = 10000 };
  static double times[kMaxRuns];
  int runs = 0;
  double start = now();
  for (int warm = 0; runs < kMaxRuns && (now() - start < 1.0 || runs < 5); ++warm) {
    double t0 = now();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long i = 0; i < n; ++i) y[i] = x[i];
    double t = now() - t0;
    if (warm >= 3) times[runs++] = t;
  }
  qsort(times, runs, sizeof(double), byTime);
  printf("{\"batch\":%ld,\"iters\":%d,\"median_ms\":%f,\"runtime\":\"copy-loop\",\"threads\":%d,\"variant\":\"copy\",\"workload\":\"stream\"}\n",
         n, runs, times[runs / 2] * 1e3, threads);
  int wrong = y[n - 1] != x[n - 1];  // reads y, so the copy is not dead code
  free(x);
  free(y);
  return wrong;
}
