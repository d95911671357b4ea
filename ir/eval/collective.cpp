// allreduce_start and allreduce_wait as one rank sees them: packing a bucket of gradients into
// one buffer and unpacking it. The averaging across ranks is the caller's (interpret's hooks).
#include <cstring>

#include "ir/eval/kernels.h"

namespace graphc::eval {

Result<Tensor> evalAllreduceStart(const OpCtx&, std::span<const Tensor> in, const TensorType& out) {
  Tensor buffer(out);
  char* at = static_cast<char*>(buffer.raw());
  for (const Tensor& g : in) {
    if (g.bytes()) std::memcpy(at, g.raw(), g.bytes());
    at += g.bytes();
  }
  return buffer;
}

Result<std::vector<Tensor>> evalAllreduceWait(const OpCtx&, std::span<const Tensor> in, std::span<const TensorType> out) {
  std::vector<Tensor> results;
  const char* at = static_cast<const char*>(in[0].raw());
  for (const TensorType& t : out) {
    results.emplace_back(t);
    if (t.bytes()) std::memcpy(results.back().raw(), at, t.bytes());
    at += t.bytes();
  }
  return results;
}

}  // namespace graphc::eval
