// Fuzz target: the .npy reader. Any bytes give a tensor or an error; a tensor it accepts must
// encode back to bytes that read as the same tensor.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "frontend/npy/npy.h"

using namespace graphc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Result<Tensor> read = parseNpy({reinterpret_cast<const char*>(data), size}, "fuzz.npy");
  if (!read) {
    (void)read.error().render();
    return 0;
  }
  std::string encoded = encodeNpy(*read);
  Result<Tensor> reread = parseNpy(encoded, "encoded.npy");
  if (!reread || !(reread->type() == read->type()) ||
      (read->bytes() > 0 &&
      std::memcmp(reread->raw(), read->raw(), read->bytes()) != 0)) {
    std::fprintf(stderr, "npy round trip: the encoded tensor reads back differently (%s)\n",
                 reread ? "other type or data" : reread.error().message().c_str());
    std::abort();
  }
  return 0;
}
