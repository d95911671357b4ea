// The collectives of data-parallel training as the runtime sees them: the Communicator a driver
// gives an ExecutionContext, and allreduce_start / allreduce_wait on raw buffers, which every
// backend runs through. Backends never see MPI; runtime/mpi implements Communicator on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "ir/diag.h"

namespace graphc {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int size() const = 0;
  virtual int rank() const = 0;

  // Starts averaging `count` floats at `data` in place over every rank, as bucket `bucket`
  // (one bucket in flight per number); the buffer must stay untouched until wait(bucket).
  virtual Status startMean(int64_t bucket, float* data, size_t count) = 0;
  virtual Status wait(int64_t bucket) = 0;
  // Lets the buckets in flight advance (MPI without a progress thread moves a non-blocking
  // collective only inside MPI calls); a backend calls it between the steps of a run.
  virtual void progress() {}

  // Blocking collectives for the driver: element-wise sums over every rank, in place; and the
  // minimum and maximum over every rank of one value.
  virtual Status sum(std::span<double> values) = 0;
  virtual Status minMax(uint64_t value, uint64_t& min, uint64_t& max) = 0;

  // The gradient buckets' cost so far: seconds inside the start calls and inside the waits (the
  // time a rank could not compute), how many buckets and how many bytes they carried.
  struct Stats {
    double startSeconds = 0, waitSeconds = 0;
    int64_t buckets = 0;
    size_t bytes = 0;
  };
  virtual Stats stats() const = 0;
};

// allreduce_start on raw buffers: packs grads[i] (counts[i] floats each) into `buffer`, then
// starts averaging it across comm's ranks. Without a communicator the run is one rank.
Status allreduceStart(Communicator* comm, int64_t bucket, std::span<const float* const> grads, std::span<const int64_t> counts,
                      float* buffer);
// allreduce_wait on raw buffers: waits for the bucket, then unpacks the mean into means[i].
Status allreduceWait(Communicator* comm, int64_t bucket, const float* buffer, std::span<float* const> means,
                     std::span<const int64_t> counts);

}  // namespace graphc
