// Binding a context to memory: its own arena, scratch and state blocks, allocated once, and the
// caller's inputs and outputs, pointed at on every run. Each buffer gets one address.
#pragma once

#include <cstdlib>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "ir/diag.h"
#include "runtime/abi.h"
#include "runtime/program.h"

namespace graphc {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
// A block of GRAPHC_ABI_ALIGNMENT-aligned bytes.
using AlignedBlock = std::unique_ptr<void, FreeDeleter>;
// At least one cache line; out of memory is an Error naming `what` and the size.
Result<AlignedBlock> allocateBlock(size_t bytes, std::string_view what);

// One context's memory for a program.
struct ContextMemory {
  AlignedBlock arena, scratch, state;
  std::vector<void*> ptrs;  // per buffer; Input and Output ones point into the current run

  // The blocks as the raw ABI lays them out (no inputs or outputs).
  graphc_run_buffers blocks(const BufferProgram& p) const;
};

// Allocates the blocks, points every Arena, State, Scratch and Const buffer into them and
// initialises the state from the graph's data. Fails only for lack of memory.
Result<ContextMemory> allocateContext(const BufferProgram& p);

// Which buffers bindBuffers points: all, only those in the blocks (arena, state, scratch and
// the constants: once per context, or when a caller brings its own blocks), or only the
// inputs and outputs (every run; allocates nothing).
enum class BindOnly { All, Blocks, Io };

// Points the buffers of p at the blocks of `run`: Arena and State at their offsets, Scratch at
// its start, Const at the program's data, Input and Output at the run's pointers (when given).
void bindBuffers(const BufferProgram& p, const graphc_run_buffers& run, std::span<void*> ptrs, BindOnly only = BindOnly::All);

}  // namespace graphc
