// How a process tells that an MPI launcher started it: the launchers' environment variables.
#include <cstdlib>

#include "runtime/mpi/world.h"

namespace graphc::mpi {

bool launchedByMpi() { return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK"); }

}  // namespace graphc::mpi
