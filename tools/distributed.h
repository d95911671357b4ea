// graphc train --distributed: joining the MPI job, reporting its communication, and ending every
// rank when one fails.
#pragma once

#include <memory>

#include "ir/diag.h"
#include "runtime/collective.h"

namespace graphc::tool {

// The job's communicator when this run is distributed (--distributed, or an MPI launcher
// started it) and has more than one rank; nullptr for a single process.
Result<std::unique_ptr<Communicator>> joinDistributedRun(bool requested, double watchdogSeconds);

// Prints "error: rank R: ..." and ends every rank of the job: the others may be waiting for
// this one in a collective. Returns fail()'s code when there is no job to end.
int failRank(Communicator* comm, const Error& e);

// Test hook: GRAPHC_TEST_DIE_AT_STEP=R:S kills rank R with SIGKILL after its step S of the run,
// as a crashed node would die; R:S:hang stops it instead (SIGSTOP), as a stuck node hangs.
void maybeDieForTest(const Communicator& comm, int64_t stepOfRun);

// Rank 0's summary of the gradient averaging over `steps` steps that took `seconds`: bytes and
// buckets per step, and the time blocked in MPI (start and wait) against the rest (compute).
void printCommunication(const Communicator& comm, int64_t steps, double seconds);

}  // namespace graphc::tool
