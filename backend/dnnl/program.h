// Internal to the dnnl backend: the prepared program (buffers, memory views, steps) that an
// execution context binds to memory and runs.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "ir/diag.h"
#include "ir/tensor.h"

namespace graphc::dnnl {

namespace dn = ::dnnl;

// Where a buffer's bytes live. Arena offsets come from planMemory(); inputs and outputs are
// bound per run; constants (graph data and reordered weights) belong to the executable.
enum class Storage {
  Arena, Input, Output, Const, Scratch,
  State,  // a param or state a training step updates: each context owns a copy, made from `data`
};

struct Buffer {
  Storage storage = Storage::Arena;
  size_t bytes = 0;
  int binding = -1;             // input or output index
  const void* data = nullptr;   // Const
  size_t offset = 0;            // Arena: from the memory plan; State: in the context's state block
  int32_t start = -1, end = -1; // live range in steps, both inclusive
  int reuse = -1;               // a buffer this one may overwrite in place
  std::string name;
};

// A buffer seen through a oneDNN memory descriptor (one buffer may have several views).
struct MemRef {
  int buffer;
  dn::memory::desc md;
};

// Our own kernels: they read and write the context's buffers by buffer id. Data-dependent
// failures (a gather index out of range) come back as an Error.
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual Status run(void* const* buffers) const = 0;
};

struct Step {
  dn::primitive prim;                      // a oneDNN primitive, or
  std::unique_ptr<Kernel> kernel;          // one of ours
  std::vector<std::pair<int, int>> args;   // (DNNL_ARG_*, memref) for a primitive
  std::string what;                        // for errors and GRAPHC_DNNL_VERBOSE
};

struct Program {
  dn::engine engine;
  std::vector<Buffer> buffers;
  std::vector<MemRef> memrefs;
  std::vector<Step> steps;
  std::vector<Tensor> constStore;  // reordered weights and other prepared constants
  std::vector<int> inputBuffer, outputBuffer;
  size_t arenaBytes = 0, scratchBytes = 0, stateBytes = 0;
  std::vector<std::pair<uint32_t, int>> stateOf;  // (update target ValueId, its State buffer)
  std::string planReport;  // memoryReport() of the arena plan
};

}  // namespace graphc::dnnl
