// The dnnl backend's collectives: allreduce_start and allreduce_wait as host steps between the
// primitives, on the run's communicator (runtime/collective.h).
#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {
namespace {

class AllreduceStart final : public Kernel {
 public:
  AllreduceStart(int64_t bucket, std::vector<int64_t> counts, std::vector<int> ins, int buffer)
      : bucket_(bucket), counts_(std::move(counts)), ins_(std::move(ins)), buffer_(buffer) {}
  Status run(void* const* buffers) const override { return runWith(buffers, nullptr); }
  Status runWith(void* const* buffers, Communicator* comm) const override {
    std::vector<const float*> grads;
    for (int i : ins_) grads.push_back(static_cast<const float*>(buffers[i]));
    return allreduceStart(comm, bucket_, grads, counts_, static_cast<float*>(buffers[buffer_]));
  }

 private:
  int64_t bucket_;
  std::vector<int64_t> counts_;
  std::vector<int> ins_;
  int buffer_;
};

class AllreduceWait final : public Kernel {
 public:
  AllreduceWait(int64_t bucket, std::vector<int64_t> counts, int buffer, std::vector<int> outs)
      : bucket_(bucket), counts_(std::move(counts)), buffer_(buffer), outs_(std::move(outs)) {}
  Status run(void* const* buffers) const override { return runWith(buffers, nullptr); }
  Status runWith(void* const* buffers, Communicator* comm) const override {
    std::vector<float*> means;
    for (int o : outs_) means.push_back(static_cast<float*>(buffers[o]));
    return allreduceWait(comm, bucket_, static_cast<const float*>(buffers[buffer_]), means, counts_);
  }

 private:
  int64_t bucket_;
  std::vector<int64_t> counts_;
  int buffer_;
  std::vector<int> outs_;
};

}  // namespace

std::unique_ptr<Kernel> allreduceStartKernel(int64_t bucket, std::vector<int64_t> counts, std::vector<int> ins, int buffer) {
  return std::make_unique<AllreduceStart>(bucket, std::move(counts), std::move(ins), buffer);
}

std::unique_ptr<Kernel> allreduceWaitKernel(int64_t bucket, std::vector<int64_t> counts, int buffer, std::vector<int> outs) {
  return std::make_unique<AllreduceWait>(bucket, std::move(counts), buffer, std::move(outs));
}

}  // namespace graphc::dnnl
