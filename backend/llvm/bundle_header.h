// Internal to backend/llvm: the C header of an ahead-of-time bundle (plain C++, no LLVM).
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace graphc::llvmjit {

// What the header states besides the graph's inputs and outputs.
struct BundleLayout {
  std::string name;  // a C identifier
  std::string triple, cpu;
  size_t arenaBytes = 0;
  bool usesVectorMath = false;  // calls glibc's libmvec (linked by -lm)
  // A training step's state block: its size and each update target's offset in it.
  size_t stateBytes = 0;
  struct StateSlot {
    ValueId value;
    size_t offset;
  };
  std::vector<StateSlot> state;
};

// NAME.h: plain C (stdint.h and stddef.h only), with graphc_run_buffers under runtime/abi.h's
// include guard, the entry point's declaration, every input's and output's name, dtype and
// shape, the arena's size and alignment, the state size, the ABI version, and the messages of
// the entry's error codes.
std::string bundleHeader(const Graph& g, const BundleLayout& layout, const std::vector<std::string>& errors);

// The C identifier a bundle's name becomes (bundle.cpp).
std::string bundleIdentifier(const std::string& name);

}  // namespace graphc::llvmjit
