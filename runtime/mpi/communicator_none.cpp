// runtime/mpi in a build without MPI: every entry point refuses with the same clear message.
#include <cstdlib>

#include "runtime/mpi/world.h"

namespace graphc::mpi {

static Error notBuilt() {
  return Error(ErrorCode::Unsupported, "this graphc was built without MPI (install libopenmpi-dev and rebuild with -DGRAPHC_MPI=ON)");
}

bool available() { return false; }
Result<std::unique_ptr<Communicator>> worldCommunicator(double) { return notBuilt(); }
Result<std::unique_ptr<Communicator>> communicatorFromFortran(int, double) { return notBuilt(); }
void abortJob(Communicator&, int code) { std::_Exit(code); }

}  // namespace graphc::mpi
