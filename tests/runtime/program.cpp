// The backend-neutral program pieces: buffers and the arena plan, the state block, binding a
// context to the raw ABI, the in-place analysis of updates, and out-of-memory as an Error.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>

#include "ir/builder.h"
#include "runtime/bind.h"
#include "runtime/state.h"

using namespace graphc;

namespace {

Tensor filled(Shape s, float v) {
  Tensor t(TensorType{DType::f32, std::move(s)});
  for (float& x : t.span<float>()) x = v;
  return t;
}

}  // namespace

TEST_CASE("runtime: planArena grants an in-place request only where the operand dies") {
  BufferProgram p;
  int a = p.addBuffer(Storage::Arena, 256, "a"), b = p.addBuffer(Storage::Arena, 256, "b");
  int c = p.addBuffer(Storage::Arena, 256, "c"), d = p.addBuffer(Storage::Arena, 256, "d");
  p.touch(a, 0), p.touch(b, 1), p.touch(a, 1);  // step 1: b = f(a), a dies there
  p.touch(c, 2), p.touch(b, 2), p.touch(d, 3), p.touch(b, 3);  // step 2: c = g(b), b still read at 3
  std::vector<InPlaceRequest> asks = {{1, a, b}, {2, b, c}};
  REQUIRE(p.planArena(asks, 0, 0).ok());
  CHECK(p.buffers[b].reuse == a);
  CHECK(p.buffers[c].reuse == -1);  // b is live after step 2
  CHECK(p.arena.requests[b].reuse == a);  // every buffer is in the arena: request i is buffer i
  CHECK(p.buffers[c].offset != p.buffers[b].offset);
  CHECK(p.arenaBytes == p.arena.plan.arenaBytes);
  CHECK(validatePlan(p.arena.requests, p.arena.plan).ok());
}

TEST_CASE("runtime: the state block is aligned, initialised per context and read back") {
  Graph g;
  Builder bl(g);
  ValueId w = bl.param("w", filled({3}, 2.0f));
  ValueId u = bl.param("u", filled({5}, 7.0f));
  BufferProgram p;
  int bw = addStateValue(p, g, w);
  int zeros = p.addState(sizeof(uint64_t), "counter", nullptr);
  CHECK(p.buffers[bw].offset == 0);
  CHECK(p.buffers[zeros].offset == GRAPHC_ABI_ALIGNMENT);
  CHECK(p.stateBytes == 2 * GRAPHC_ABI_ALIGNMENT);

  auto mem = allocateContext(p);
  REQUIRE(mem.ok());
  CHECK(reinterpret_cast<uintptr_t>(mem->state.get()) % GRAPHC_ABI_ALIGNMENT == 0);
  CHECK(static_cast<char*>(mem->ptrs[bw]) == static_cast<char*>(mem->state.get()));
  CHECK(*static_cast<uint64_t*>(mem->ptrs[zeros]) == 0);
  static_cast<float*>(mem->ptrs[bw])[1] = -1.0f;  // what a training step would write
  auto now = readState(g, p, mem->ptrs, w);
  REQUIRE(now.ok());
  CHECK(now->at(0) == 2.0);
  CHECK(now->at(1) == -1.0);
  auto untouched = readState(g, p, mem->ptrs, u);  // not in the block: the graph's data
  REQUIRE(untouched.ok());
  CHECK(untouched->at(4) == 7.0);
  CHECK(g.value(w).data.at(1) == 2.0);  // the graph's copy is not the context's
}

TEST_CASE("runtime: bindBuffers points every storage kind at the ABI's blocks") {
  int constant = 42;
  BufferProgram p;
  int in = p.addBuffer(Storage::Input, 4, "x", 0), out = p.addBuffer(Storage::Output, 4, "y", 0);
  int arena = p.addBuffer(Storage::Arena, 4, "t"), scratch = p.addBuffer(Storage::Scratch, 0, "scratch");
  int c = p.addBuffer(Storage::Const, 4, "c", -1, &constant);
  p.buffers[arena].offset = 128;
  float x = 1, y = 0;
  const void* inputs[] = {&x};
  void* outputs[] = {&y};
  char arenaBlock[256], scratchBlock[64];
  graphc_run_buffers run{};
  run.abi_version = GRAPHC_ABI_VERSION;
  run.num_inputs = 1, run.inputs = inputs, run.num_outputs = 1, run.outputs = outputs;
  run.arena = arenaBlock, run.scratch = scratchBlock;
  std::vector<void*> ptrs(p.buffers.size());
  bindBuffers(p, run, ptrs);
  CHECK(ptrs[in] == &x);
  CHECK(ptrs[out] == &y);
  CHECK(ptrs[arena] == arenaBlock + 128);
  CHECK(ptrs[scratch] == scratchBlock);
  CHECK(ptrs[c] == &constant);
}

TEST_CASE("runtime: out of memory is an Error, not an exception") {
  auto block = allocateBlock(SIZE_MAX - 8, "arena");
  REQUIRE(!block.ok());
  CHECK(block.error().code == ErrorCode::OutOfMemory);
  CHECK(block.error().message().find("out of memory") != std::string::npos);
  CHECK(block.error().message().find("arena") != std::string::npos);
  BufferProgram huge;
  huge.arenaBytes = SIZE_MAX / 2;
  CHECK(!allocateContext(huge).ok());
}

TEST_CASE("runtime: which updates run in place follows the op table") {
  Graph g;
  Builder b(g);
  TensorType t{DType::f32, {4}};
  ValueId x = b.input("x", t);
  ValueId w = b.param("w", filled({4}, 1.0f)), buf = b.state("buf", filled({4}, 0.0f));
  ValueId v = b.param("v", filled({4}, 1.0f));
  ValueId grad = b.create(OpKind::Mul, {x, w});
  AttrMap lr;
  lr.set("lr", 0.1);
  auto mom = b.tryCreate(OpKind::MomentumUpdate, {w, grad, buf}, lr);
  REQUIRE(mom.ok());
  b.update(w, (*mom)[0]);
  b.update(buf, (*mom)[1]);  // result 1 overwrites operand 2 (kStateful)
  ValueId softmax = b.create(OpKind::Softmax, {v});  // no in-place trait
  b.update(v, softmax);
  b.output("g", grad);
  std::vector<ValueId> target = inPlaceUpdates(g);
  CHECK(target[(*mom)[0]] == w);
  CHECK(target[(*mom)[1]] == buf);
  CHECK(target[softmax] == kNoTarget);
  CHECK(mayOverwrite(opInfo(OpKind::AdamUpdate), 3, 4));
  CHECK(!mayOverwrite(opInfo(OpKind::AdamUpdate), 1, 1));  // never the gradient
  CHECK(mayOverwrite(opInfo(OpKind::Add), 0, 1));          // commutative
  CHECK(!mayOverwrite(opInfo(OpKind::Sub), 0, 1));
  CHECK(mayOverwrite(opInfo(OpKind::LayerNorm), 0, 0));
  CHECK(!mayOverwrite(opInfo(OpKind::Softmax), 0, 0));
}
