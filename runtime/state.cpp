// The state block of a training step: its layout, initial contents, reads, and in-place updates.
#include "runtime/state.h"

#include <algorithm>
#include <cstring>

namespace graphc {

int addStateValue(BufferProgram& p, const Graph& g, ValueId v) {
  int b = p.addState(g.type(v).bytes(), g.value(v).name, g.value(v).data.raw());
  p.stateOf.push_back({v, b});
  return b;
}

void initState(const BufferProgram& p, void* block) {
  for (const Buffer& b : p.buffers) {
    if (b.storage != Storage::State || !b.bytes) continue;
    char* at = static_cast<char*>(block) + b.offset;
    if (b.data) std::memcpy(at, b.data, b.bytes);
    else std::memset(at, 0, b.bytes);
  }
}

Result<Tensor> readState(const Graph& g, const BufferProgram& p, std::span<void* const> ptrs, ValueId v) {
  for (auto [target, b] : p.stateOf)
    if (target == v) {
      Tensor t(g.type(v));
      if (t.bytes()) std::memcpy(t.raw(), ptrs[b], t.bytes());
      return t;
    }
  if (v < g.values.size() && (g.value(v).kind == ValueKind::Param || g.value(v).kind == ValueKind::State))
    return g.value(v).data.clone();  // never updated: still the initial data
  return Error("readState: not a param or state of the graph");
}

Status writeState(const Graph& g, const BufferProgram& p, std::span<void* const> ptrs, ValueId v, ConstTensorView data) {
  for (auto [target, b] : p.stateOf)
    if (target == v) {
      if (!data.hasType(g.type(v)))
        return Error(ErrorCode::Shape, "writeState: '" + g.value(v).name + "' is " + g.type(v).str() + ", not " + data.type().str());
      if (g.type(v).bytes()) std::memcpy(ptrs[b], data.data, g.type(v).bytes());
      return ok();
    }
  return Error("writeState: not a param the training step updates");
}

std::vector<ValueId> inPlaceUpdates(const Graph& g) {
  std::vector<ValueId> target(g.values.size(), kNoTarget);
  std::vector<std::vector<NodeId>> users = g.users();
  std::vector<bool> isOutput(g.values.size(), false);
  for (const Output& o : g.outputs) isOutput[o.value] = true;
  for (const Update& u : g.updates) {
    const Node* p = g.producer(u.value);
    if (!p || isOutput[u.target] || isOutput[u.value] || g.value(u.value).kind != ValueKind::Result) continue;
    if (g.type(u.target) != g.type(u.value)) continue;
    NodeId at = (NodeId)(p - g.nodes.data());
    size_t r = std::find(p->results.begin(), p->results.end(), u.value) - p->results.begin();
    // The first operand the op table lets result r overwrite: a commutative op's operand 1 is
    // left out, since a binary primitive runs in place over its first source only.
    size_t operand = 0;
    while (operand < p->operands.size() && !mayOverwrite(p->info(), r, operand)) ++operand;
    // The cast that refreshes a bf16 copy of a weight from its optimizer update does not read
    // the copy: it may write over it once every reader of the old copy has run. Not so for any
    // producer that does not read its target: a backend may write a result ahead of its node
    // (dnnl's takeovers) or through a view of another value.
    bool refreshesCopy = p->op == OpKind::Cast && std::count(p->operands.begin(), p->operands.end(), u.target) == 0 &&
                         g.producer(p->operands[0]) && g.producer(p->operands[0])->info().has(kStateful);
    if (!refreshesCopy && (operand >= p->operands.size() || p->operands[operand] != u.target))
      continue;
    bool before = true;
    for (NodeId user : users[u.target])
      before = before && (user < at || (user == at && std::count(p->operands.begin(), p->operands.end(), u.target) == 1));
    if (before) target[u.value] = u.target;
  }
  return target;
}

std::vector<ValueId> bf16CopiesOf(const Graph& g, ValueId v) {
  std::vector<ValueId> copies;
  for (const Update& next : g.updates) {
    if (next.target != v) continue;
    for (const Update& u : g.updates) {
      const Node* p = g.producer(u.value);
      if (p && p->op == OpKind::Cast && p->operands[0] == next.value && g.type(u.value).dtype == DType::bf16)
        copies.push_back(u.target);
    }
  }
  return copies;
}

const Node* bf16CopyCast(const Graph& g, const Node& update) {
  if (!update.info().has(kStateful) || update.results.empty() || g.type(update.results[0]).dtype != DType::f32) return nullptr;
  NodeId at = (NodeId)(&update - g.nodes.data());
  const Node* cast = nullptr;
  for (const Node& n : g.nodes)
    if (!n.dead && n.op == OpKind::Cast && n.operands[0] == update.results[0] && g.type(n.results[0]).dtype == DType::bf16)
      cast = &n;
  if (!cast) return nullptr;
  ValueId copy = kNoTarget;
  for (const Update& u : g.updates)
    if (u.value == cast->results[0]) copy = u.target;
  // What inPlaceUpdates asks too, so that the copy it places in the state block is the one the
  // update writes: a backend that takes the cast over writes there at the update's step.
  if (copy == kNoTarget || g.type(copy) != g.type(cast->results[0])) return nullptr;
  for (const Output& o : g.outputs)
    if (o.value == cast->results[0] || o.value == copy) return nullptr;
  for (NodeId n = 0; n < g.nodes.size(); ++n) {
    const Node& reader = g.nodes[n];
    if (reader.dead) continue;
    bool readsCast = std::count(reader.operands.begin(), reader.operands.end(), cast->results[0]) > 0;
    bool readsCopy = std::count(reader.operands.begin(), reader.operands.end(), copy) > 0;
    if (readsCast || (readsCopy && n >= at)) return nullptr;
  }
  return cast;
}

}  // namespace graphc
