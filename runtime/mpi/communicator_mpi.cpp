// The Communicator on MPI: gradient buckets averaged with MPI_Iallreduce (started when the
// graph's allreduce_start runs, finished at its allreduce_wait), the driver's blocking sums,
// MPI errors turned into Errors, and a watchdog on every collective.
#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <utility>

#include "runtime/mpi/world.h"

namespace graphc::mpi {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

Error mpiError(int code, const std::string& what) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  return Error(ErrorCode::Internal, fmt::format("{}: MPI error: {}", what, std::string(text, (size_t)length)));
}

// MPI_Init once per process, unless the application did; MPI_Finalize at exit if we did.
Status ensureInitialized() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) return ok();
  int provided = 0;
  // Collectives are called from the thread that runs the step only.
  if (int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided); rc != MPI_SUCCESS) return mpiError(rc, "MPI_Init");
  std::atexit([] {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  });
  return ok();
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator(MPI_Comm comm, double watchdogSeconds) : comm_(comm), watchdog_(watchdogSeconds) {
    MPI_Comm_size(comm_, &size_);
    MPI_Comm_rank(comm_, &rank_);
    // For measuring what overlap buys: every bucket completes inside its start.
    blocking_ = std::getenv("GRAPHC_MPI_BLOCKING") && std::string(std::getenv("GRAPHC_MPI_BLOCKING")) == "1";
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Comm_free(&comm_);
  }
  int size() const override { return size_; }
  int rank() const override { return rank_; }
  MPI_Comm comm() const { return comm_; }

  Status startMean(int64_t bucket, float* data, size_t count) override {
    if (count > (size_t)INT_MAX) return Error(ErrorCode::Unsupported, fmt::format("allreduce bucket {}: {} floats exceed MPI's int count", bucket, count));
    auto t0 = Clock::now();
    Pending& p = pending_[bucket];
    if (p.request != MPI_REQUEST_NULL) return Error(ErrorCode::Internal, fmt::format("allreduce bucket {} started twice", bucket));
    p.data = data, p.count = count;
    int rc = blocking_ ? MPI_Allreduce(MPI_IN_PLACE, data, (int)count, MPI_FLOAT, MPI_SUM, comm_)
                       : MPI_Iallreduce(MPI_IN_PLACE, data, (int)count, MPI_FLOAT, MPI_SUM, comm_, &p.request);
    stats_.startSeconds += secondsSince(t0);
    stats_.buckets += 1;
    stats_.bytes += count * sizeof(float);
    if (rc != MPI_SUCCESS) return mpiError(rc, fmt::format("allreduce of gradient bucket {}", bucket));
    return ok();
  }

  Status wait(int64_t bucket) override {
    auto it = pending_.find(bucket);
    if (it == pending_.end()) return Error(ErrorCode::Internal, fmt::format("allreduce bucket {} waited for but never started", bucket));
    auto t0 = Clock::now();
    std::string what = fmt::format("allreduce of gradient bucket {}", bucket);
    if (int failure = std::exchange(it->second.failure, MPI_SUCCESS); failure != MPI_SUCCESS) return mpiError(failure, what);
    Status done = finish(it->second.request, what);
    stats_.waitSeconds += secondsSince(t0);
    GRAPHC_TRY(done);
    float scale = 1.0f / (float)size_;
    for (size_t i = 0; i < it->second.count; ++i) it->second.data[i] *= scale;
    return ok();
  }

  void progress() override {
    for (auto& [bucket, p] : pending_)
      if (p.request != MPI_REQUEST_NULL && p.failure == MPI_SUCCESS) {
        int flag = 0;
        p.failure = MPI_Test(&p.request, &flag, MPI_STATUS_IGNORE);  // reported by the bucket's wait
      }
  }

  Status sum(std::span<double> values) override {
    MPI_Request request = MPI_REQUEST_NULL;
    if (int rc = MPI_Iallreduce(MPI_IN_PLACE, values.data(), (int)values.size(), MPI_DOUBLE, MPI_SUM, comm_, &request); rc != MPI_SUCCESS)
      return mpiError(rc, "sum over ranks");
    return finish(request, "sum over ranks");
  }

  Status minMax(uint64_t value, uint64_t& min, uint64_t& max) override {
    // One reduction: the minimum of ~value is the complement of the maximum.
    uint64_t both[2] = {value, ~value};
    MPI_Request request = MPI_REQUEST_NULL;
    if (int rc = MPI_Iallreduce(MPI_IN_PLACE, both, 2, MPI_UINT64_T, MPI_MIN, comm_, &request); rc != MPI_SUCCESS)
      return mpiError(rc, "min/max over ranks");
    GRAPHC_TRY(finish(request, "min/max over ranks"));
    min = both[0], max = ~both[1];
    return ok();
  }

  Stats stats() const override { return stats_; }

 private:
  struct Pending {
    MPI_Request request = MPI_REQUEST_NULL;
    float* data = nullptr;
    size_t count = 0;
    int failure = MPI_SUCCESS;  // of a progress() call
  };

  // Completes a request, or fails once the watchdog's time is up (a peer that died or hangs).
  Status finish(MPI_Request& request, const std::string& what) {
    auto t0 = Clock::now();
    for (int flag = 0;;) {
      if (int rc = MPI_Test(&request, &flag, MPI_STATUS_IGNORE); rc != MPI_SUCCESS) return mpiError(rc, what);
      if (flag) return ok();
      if (watchdog_ > 0 && secondsSince(t0) > watchdog_)
        return Error(ErrorCode::Internal, fmt::format("{}: no answer from the other ranks after {} s (did a rank die or hang?)", what,
                                                      watchdog_));
    }
  }

  MPI_Comm comm_;
  double watchdog_;
  int size_ = 1, rank_ = 0;
  bool blocking_ = false;
  std::map<int64_t, Pending> pending_;
  Stats stats_;
};

Result<std::unique_ptr<Communicator>> duplicate(MPI_Comm parent, double watchdogSeconds) {
  MPI_Comm comm = MPI_COMM_NULL;
  if (int rc = MPI_Comm_dup(parent, &comm); rc != MPI_SUCCESS) return mpiError(rc, "MPI_Comm_dup");
  // Errors come back as codes, which become Errors, instead of MPI aborting the process.
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  return std::unique_ptr<Communicator>(std::make_unique<MpiCommunicator>(comm, watchdogSeconds));
}

}  // namespace

bool available() { return true; }

Result<std::unique_ptr<Communicator>> worldCommunicator(double watchdogSeconds) {
  GRAPHC_TRY(ensureInitialized());
  return duplicate(MPI_COMM_WORLD, watchdogSeconds);
}

Result<std::unique_ptr<Communicator>> communicatorFromFortran(int handle, double watchdogSeconds) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) return Error(ErrorCode::InvalidArgument, "an MPI communicator was given, but MPI is not initialized");
  MPI_Comm comm = MPI_Comm_f2c(handle);
  if (comm == MPI_COMM_NULL) return Error(ErrorCode::InvalidArgument, "the MPI communicator handle is MPI_COMM_NULL");
  return duplicate(comm, watchdogSeconds);
}

void abortJob(Communicator& comm, int code) {
  auto* mpi = dynamic_cast<MpiCommunicator*>(&comm);
  MPI_Abort(mpi ? mpi->comm() : MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace graphc::mpi
