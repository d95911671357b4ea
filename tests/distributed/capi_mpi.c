/* The C API inside an MPI application (mpirun -np K capi_mpi MODEL BACKEND): every rank trains the
 * seed MLP on its own data through graphc_options_set_mpi_comm; the gradients are averaged, so
 * the weights stay identical on every rank although the data differ (checked with MPI_MIN and
 * MPI_MAX of each weight's bytes), and they moved from the initial ones. Exit 0 on success. */
#include <graphc/graphc.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BATCH 8
#define CHECK(call)                                                                        \
  do {                                                                                     \
    graphc_status s_ = (call);                                                             \
    if (s_ != GRAPHC_OK) {                                                                 \
      fprintf(stderr, "rank %d: %s: %s\n", rank, #call, graphc_last_error_message());      \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                        \
    }                                                                                      \
  } while (0)

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 3) {
    fprintf(stderr, "usage: capi_mpi MODEL BACKEND\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  graphc_options* options = NULL;
  graphc_trainer* trainer = NULL;
  CHECK(graphc_options_create(&options));
  CHECK(graphc_options_set_backend(options, argv[2]));
  CHECK(graphc_options_set_threads(options, 1));
  CHECK(graphc_options_bind_dim(options, "N", BATCH));
  CHECK(graphc_options_set_mpi_comm(options, (int)MPI_Comm_c2f(MPI_COMM_WORLD)));
  CHECK(graphc_trainer_create_file(argv[1], options, GRAPHC_LOSS_CROSS_ENTROPY, GRAPHC_OPTIMIZER_ADAM, 0.01, &trainer));

  float w1[10 * 20], initial[10 * 20];
  CHECK(graphc_trainer_read_param(trainer, "w1", GRAPHC_DTYPE_F32, initial, sizeof initial));
  float x[BATCH * 10];
  int64_t y[BATCH];
  for (int step = 0; step < 5; ++step) {
    for (int i = 0; i < BATCH * 10; ++i) x[i] = (float)((i * 7 + rank * 13 + step * 3) % 17) / 17.0f - 0.5f;
    for (int i = 0; i < BATCH; ++i) y[i] = (i + rank + step) % 5;
    graphc_input data = {"x", GRAPHC_DTYPE_F32, x, sizeof x}, labels = {"labels", GRAPHC_DTYPE_I64, y, sizeof y};
    double loss = 0;
    CHECK(graphc_trainer_step(trainer, &data, &labels, &loss));
  }
  CHECK(graphc_trainer_read_param(trainer, "w1", GRAPHC_DTYPE_F32, w1, sizeof w1));
  int moved = memcmp(w1, initial, sizeof w1) != 0;
  unsigned char low[sizeof w1], high[sizeof w1];
  MPI_Allreduce(w1, low, sizeof w1, MPI_UNSIGNED_CHAR, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(w1, high, sizeof w1, MPI_UNSIGNED_CHAR, MPI_MAX, MPI_COMM_WORLD);
  int same = memcmp(low, high, sizeof w1) == 0;
  CHECK(graphc_trainer_free(trainer));
  CHECK(graphc_options_free(options));
  if (rank == 0) printf("%s: %d ranks, weights %s across ranks, %s\n", same && moved ? "PASS" : "FAIL", size,
                        same ? "identical" : "DIFFERENT", moved ? "trained" : "NOT trained");
  MPI_Finalize();
  return same && moved ? 0 : 1;
}
