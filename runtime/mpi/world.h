// The communicators of a distributed run, on MPI. The header needs no mpi.h: an application's
// own communicator comes in as its Fortran handle (MPI_Comm_c2f).
#pragma once

#include <memory>

#include "runtime/collective.h"

namespace graphc::mpi {

// Whether this build has MPI (GRAPHC_MPI).
bool available();
// Whether an MPI launcher started this process (mpirun sets OMPI_COMM_WORLD_SIZE, PMI_SIZE or
// PMIX_RANK).
bool launchedByMpi();

// A communicator over every rank of the job (a duplicate of MPI_COMM_WORLD, initializing MPI
// when the application has not). MPI errors come back as Errors (MPI_ERRORS_RETURN), and a
// collective that has not finished after watchdogSeconds (0: never) fails, so that a rank
// whose peer died stops instead of hanging.
Result<std::unique_ptr<Communicator>> worldCommunicator(double watchdogSeconds);
// A duplicate of the application's communicator, given as MPI_Comm_c2f(comm).
Result<std::unique_ptr<Communicator>> communicatorFromFortran(int handle, double watchdogSeconds);

// Ends every rank of the job at once (MPI_Abort) with `code`, after a rank failed: the others
// may be waiting in a collective it will never join.
[[noreturn]] void abortJob(Communicator& comm, int code);

}  // namespace graphc::mpi
