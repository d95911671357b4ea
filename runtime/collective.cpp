// allreduce_start and allreduce_wait on raw buffers: pack, communicate, unpack.
#include "runtime/collective.h"

#include <cstring>

namespace graphc {

Status allreduceStart(Communicator* comm, int64_t bucket, std::span<const float* const> grads, std::span<const int64_t> counts,
                      float* buffer) {
  size_t total = 0;
  for (size_t i = 0; i < grads.size(); ++i) {
    if (counts[i]) std::memcpy(buffer + total, grads[i], (size_t)counts[i] * sizeof(float));
    total += (size_t)counts[i];
  }
  return comm ? comm->startMean(bucket, buffer, total) : ok();
}

Status allreduceWait(Communicator* comm, int64_t bucket, const float* buffer, std::span<float* const> means,
                     std::span<const int64_t> counts) {
  if (comm) GRAPHC_TRY(comm->wait(bucket));
  size_t at = 0;
  for (size_t i = 0; i < means.size(); ++i) {
    if (counts[i]) std::memcpy(means[i], buffer + at, (size_t)counts[i] * sizeof(float));
    at += (size_t)counts[i];
  }
  return ok();
}

}  // namespace graphc
