// The backend-neutral half of a prepared program: its buffers (where each lives and when it is
// live), the sizes of the arena, scratch and state blocks, and the arena plan. A backend keeps
// its own steps (primitives, kernels, compiled functions) beside it and numbers them from 0;
// live ranges count in those steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ir/diag.h"
#include "ir/graph.h"
#include "runtime/executable.h"

namespace graphc {

// Where a buffer's bytes live. Arena offsets come from the memory plan; inputs and outputs are
// bound per run; constants (graph data and prepared weights) belong to the executable.
enum class Storage {
  Arena, Input, Output, Const, Scratch,
  State,  // kept by each context from run to run (a training step's params): a copy of `data`
};

struct Buffer {
  Storage storage = Storage::Arena;
  size_t bytes = 0;
  int binding = -1;             // input or output index
  const void* data = nullptr;   // Const: the bytes; State: the initial bytes (nullptr: zeros)
  size_t offset = 0;            // Arena: from the memory plan; State: in the context's state block
  int32_t start = -1, end = -1; // live range in steps, both inclusive
  int reuse = -1;               // a buffer this one may overwrite in place
  std::string name;
};

// A step's permission: buffer `out` may take `in`'s place when `in` dies at `step`, the step
// that creates `out` (decided once every step is known, by planArena).
struct InPlaceRequest {
  int step, in, out;
};

struct BufferProgram {
  std::vector<Buffer> buffers;
  std::vector<int> inputBuffer, outputBuffer;  // per graph input / output
  size_t arenaBytes = 0, scratchBytes = 0, stateBytes = 0;
  std::vector<std::pair<ValueId, int>> stateOf;  // (update target, its State buffer)
  Executable::ArenaPlan arena;  // the buffers in the arena and their planned offsets

  int addBuffer(Storage s, size_t bytes, std::string name, int binding = -1, const void* data = nullptr);
  // A State buffer at the end of the state block, starting from `initial` (zeros if nullptr).
  int addState(size_t bytes, std::string name, const void* initial);
  // Extends the buffer's live range to `step`; buffers are always written first.
  void touch(int buffer, int32_t step);
  // Places every Arena buffer: grants the in-place requests whose operand dies exactly where
  // the result is born, plans and validates the arena, and records the offsets. `updates` and
  // `updatesInPlace` count a training step's updates for the report.
  Status planArena(std::span<const InPlaceRequest> inPlace, int updates, int updatesInPlace);
};

}  // namespace graphc
