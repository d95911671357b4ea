// Binding a context's buffers: the blocks it owns and the caller's memory of each run.
#include "runtime/bind.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "runtime/state.h"

namespace graphc {

Result<AlignedBlock> allocateBlock(size_t bytes, std::string_view what) {
  constexpr size_t kAlign = GRAPHC_ABI_ALIGNMENT;
  size_t size = bytes > SIZE_MAX - kAlign ? 0 : std::max<size_t>((bytes + kAlign - 1) / kAlign * kAlign, kAlign);
  void* p = size ? std::aligned_alloc(kAlign, size) : nullptr;
  if (!p) return Error(ErrorCode::OutOfMemory, fmt::format("out of memory: cannot allocate the {} ({} bytes)", what, bytes));
  return AlignedBlock(p);
}

graphc_run_buffers ContextMemory::blocks(const BufferProgram& p) const {
  graphc_run_buffers b{};
  b.abi_version = GRAPHC_ABI_VERSION;
  b.arena = arena.get(), b.arena_bytes = p.arenaBytes;
  b.state = state.get(), b.state_bytes = p.stateBytes;
  b.scratch = scratch.get(), b.scratch_bytes = p.scratchBytes;
  return b;
}

void bindBuffers(const BufferProgram& p, const graphc_run_buffers& run, std::span<void*> ptrs, BindOnly only) {
  if (only == BindOnly::Io) {
    for (uint32_t i = 0; i < run.num_inputs && i < p.inputBuffer.size(); ++i) ptrs[p.inputBuffer[i]] = const_cast<void*>(run.inputs[i]);
    for (uint32_t i = 0; i < run.num_outputs && i < p.outputBuffer.size(); ++i) ptrs[p.outputBuffer[i]] = run.outputs[i];
    return;
  }
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const Buffer& b = p.buffers[i];
    bool io = b.storage == Storage::Input || b.storage == Storage::Output;
    if (only == BindOnly::Blocks && io) continue;
    switch (b.storage) {
      case Storage::Arena: ptrs[i] = static_cast<char*>(run.arena) + b.offset; break;
      case Storage::State: ptrs[i] = static_cast<char*>(run.state) + b.offset; break;
      case Storage::Scratch: ptrs[i] = run.scratch; break;
      case Storage::Const: ptrs[i] = const_cast<void*>(b.data); break;
      case Storage::Input:
        if (run.inputs && (uint32_t)b.binding < run.num_inputs) ptrs[i] = const_cast<void*>(run.inputs[b.binding]);
        break;
      case Storage::Output:
        if (run.outputs && (uint32_t)b.binding < run.num_outputs) ptrs[i] = run.outputs[b.binding];
        break;
    }
  }
}

Result<ContextMemory> allocateContext(const BufferProgram& p) {
  ContextMemory m;
  GRAPHC_ASSIGN(m.arena, allocateBlock(p.arenaBytes, "arena"));
  GRAPHC_ASSIGN(m.scratch, allocateBlock(p.scratchBytes, "scratchpad"));
  GRAPHC_ASSIGN(m.state, allocateBlock(p.stateBytes, "training state"));
  try {
    m.ptrs.assign(p.buffers.size(), nullptr);
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::OutOfMemory, "out of memory: cannot allocate a context's buffer table");
  }
  bindBuffers(p, m.blocks(p), m.ptrs);
  initState(p, m.state.get());
  return m;
}

}  // namespace graphc
