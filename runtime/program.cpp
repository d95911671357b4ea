// The buffers of a prepared program and the arena plan over them.
#include "runtime/program.h"

#include <algorithm>

#include "runtime/abi.h"
#include "runtime/memory/memory_plan.h"

namespace graphc {

int BufferProgram::addBuffer(Storage s, size_t bytes, std::string name, int binding, const void* data) {
  Buffer b;
  b.storage = s, b.bytes = bytes, b.name = std::move(name), b.binding = binding, b.data = data;
  buffers.push_back(std::move(b));
  return (int)buffers.size() - 1;
}

int BufferProgram::addState(size_t bytes, std::string name, const void* initial) {
  int b = addBuffer(Storage::State, bytes, std::move(name), -1, initial);
  buffers[b].offset = stateBytes;
  stateBytes += (bytes + GRAPHC_ABI_ALIGNMENT - 1) / GRAPHC_ABI_ALIGNMENT * GRAPHC_ABI_ALIGNMENT;
  return b;
}

void BufferProgram::touch(int buffer, int32_t step) {
  Buffer& b = buffers[buffer];
  if (b.start < 0) b.start = step;
  b.end = std::max(b.end, step);
}

Status BufferProgram::planArena(std::span<const InPlaceRequest> inPlace, int updates, int updatesInPlace) {
  for (const InPlaceRequest& ip : inPlace) {
    const Buffer &in = buffers[ip.in], &out = buffers[ip.out];
    if (in.storage == Storage::Arena && out.storage == Storage::Arena && in.end == ip.step && out.start == ip.step &&
        in.bytes == out.bytes && ip.in != ip.out)
      buffers[ip.out].reuse = ip.in;
  }

  std::vector<BufferRequest> requests;
  std::vector<int> requestOf(buffers.size(), -1), bufferOf;
  for (size_t b = 0; b < buffers.size(); ++b) {
    Buffer& buf = buffers[b];
    if (buf.storage != Storage::Arena) continue;
    if (buf.start < 0) buf.start = buf.end = 0;  // never touched (a dead value)
    requestOf[b] = (int)requests.size();
    bufferOf.push_back((int)b);
    requests.push_back({std::max<size_t>(buf.bytes, 1), buf.start, buf.end, -1, buf.name});
  }
  for (size_t r = 0; r < requests.size(); ++r)
    if (int reuse = buffers[bufferOf[r]].reuse; reuse >= 0) requests[r].reuse = requestOf[reuse];
  MemoryPlan plan = planMemory(requests, GRAPHC_ABI_ALIGNMENT);
  if (plan.offsets.size() != requests.size()) return Error(ErrorCode::Internal, "the memory planner returned no plan");
  // Every plan is validated before anything runs in it: overlapping live buffers would corrupt
  // results silently, and the check costs little next to preparing the steps.
  if (Status valid = validatePlan(requests, plan, GRAPHC_ABI_ALIGNMENT); !valid)
    return Error(ErrorCode::Internal, "internal error: invalid memory plan: " + valid.error().message());
  for (size_t r = 0; r < requests.size(); ++r) buffers[bufferOf[r]].offset = plan.offsets[r];
  arenaBytes = plan.arenaBytes;
  arena = {std::move(requests), std::move(plan), stateBytes, updates, updatesInPlace};
  return ok();
}

}  // namespace graphc
