// graphc train --distributed: the MPI job as the command sees it.
#include "tools/distributed.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include "runtime/mpi/world.h"
#include "tools/cli.h"

namespace graphc::tool {
namespace {

// A rank killed by the launcher (mpirun ends the job when another rank died) says so, with
// async-signal-safe calls only.
char terminatedMessage[128];
extern "C" void onTerminate(int) {
  ssize_t ignored = write(STDERR_FILENO, terminatedMessage, strlen(terminatedMessage));
  (void)ignored;
  _exit(143);
}

}  // namespace

Result<std::unique_ptr<Communicator>> joinDistributedRun(bool requested, double watchdogSeconds) {
  if (!requested && !mpi::launchedByMpi()) return std::unique_ptr<Communicator>();
  if (!mpi::available() && !requested) return std::unique_ptr<Communicator>();  // an MPI launch of a build without MPI: one process each
  GRAPHC_ASSIGN(std::unique_ptr<Communicator> comm, mpi::worldCommunicator(watchdogSeconds));
  if (comm->size() == 1) return std::unique_ptr<Communicator>();  // one rank: the plain step, no allreduce
  std::snprintf(terminatedMessage, sizeof terminatedMessage,
                "error: rank %d: terminated by the MPI launcher (another rank failed); training stopped\n", comm->rank());
  struct sigaction sa {};
  sa.sa_handler = onTerminate;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  return comm;
}

int failRank(Communicator* comm, const Error& e) {
  if (!comm) return fail(e);
  fail(Error(e).prefixed("rank " + std::to_string(comm->rank()) + ": "));
  mpi::abortJob(*comm, 1);
}

void maybeDieForTest(const Communicator& comm, int64_t stepOfRun) {
  const char* spec = std::getenv("GRAPHC_TEST_DIE_AT_STEP");
  if (!spec) return;
  int rank = -1;
  long long step = -1;
  char how[8] = "";
  if (std::sscanf(spec, "%d:%lld:%7s", &rank, &step, how) < 2 || rank != comm.rank() || step != stepOfRun) return;
  raise(std::string(how) == "hang" ? SIGSTOP : SIGKILL);  // hang: alive but silent, as a stuck node
}

void printCommunication(const Communicator& comm, int64_t steps, double seconds) {
  if (comm.rank() != 0 || steps <= 0) return;
  Communicator::Stats s = comm.stats();
  double perStep = 1e3 / (double)steps, blocked = s.startSeconds + s.waitSeconds;
  std::printf("distributed: %d ranks, %.3f MB of gradients in %lld bucket(s) per step; per step %.3f ms: compute %.3f ms, "
              "communication %.3f ms blocked (start %.3f ms, wait %.3f ms)\n",
              comm.size(), (double)s.bytes / (double)steps / 1e6, (long long)(s.buckets / steps), seconds * perStep,
              (seconds - blocked) * perStep, blocked * perStep, s.startSeconds * perStep, s.waitSeconds * perStep);
}

}  // namespace graphc::tool
