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
#include "runtime/collective.h"
#include "runtime/program.h"

namespace graphc::dnnl {

namespace dn = ::dnnl;

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
  // What a run calls: the run's communicator too, which only the collectives use.
  virtual Status runWith(void* const* buffers, Communicator*) const { return run(buffers); }
};

struct Step {
  dn::primitive prim;                      // a oneDNN primitive, or
  std::unique_ptr<Kernel> kernel;          // one of ours
  std::vector<std::pair<int, int>> args;   // (DNNL_ARG_*, memref) for a primitive
  std::string what;                        // for errors and GRAPHC_DNNL_VERBOSE
};

// The shared buffer bookkeeping (runtime/program.h) plus what only oneDNN needs.
struct Program : BufferProgram {
  dn::engine engine;
  std::vector<MemRef> memrefs;
  std::vector<Step> steps;
  std::vector<Tensor> constStore;  // reordered weights and other prepared constants
};

}  // namespace graphc::dnnl
