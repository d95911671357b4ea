// The Lowering builder: value layouts, buffers, reorders, live ranges and the memory plan.
#include "backend/dnnl/lowering.h"

#include "backend/dnnl/kernels.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "ir/verifier.h"
#include "runtime/state.h"

namespace graphc::dnnl {

dn::memory::dims dimsOf(const Shape& s) { return s.empty() ? dn::memory::dims{1} : dn::memory::dims(s.begin(), s.end()); }

dn::memory::data_type dnnlType(DType t) {
  switch (t) {
    case DType::f32: return dn::memory::data_type::f32;
    case DType::i32: return dn::memory::data_type::s32;
    case DType::boolean: return dn::memory::data_type::u8;
    case DType::bf16: return dn::memory::data_type::bf16;  // the products' operands (--precision bf16)
    default: return dn::memory::data_type::undef;
  }
}

dn::memory::desc stridedDesc(const dn::memory::dims& dims, dn::memory::data_type t, const dn::memory::dims& strides) {
  return dn::memory::desc(dims, t, strides);
}

dn::memory::desc plainDesc(const Shape& s, DType t) {
  if (dnnlType(t) == dn::memory::data_type::undef) return {};
  dn::memory::dims d = dimsOf(s);
  return stridedDesc(d, dnnlType(t), stridesOf(Shape(d.begin(), d.end())));
}

// Byte size of a buffer: blocked layouts may pad, so a descriptor's size wins over the type's.
static size_t bytesOf(const TensorType& t, const dn::memory::desc& md) {
  return md.data.ndims ? std::max(md.get_size(), t.bytes()) : t.bytes();
}

Lowering::Lowering(const Graph& g, Program& p)
    : graph(g), engine(p.engine), program_(p), state_(g.values.size()), outIndex_(g.values.size(), -1),
      outClaimed_(g.outputs.size(), false), updated_(g.values.size(), false) {
  for (const Update& u : g.updates) updated_[u.target] = true;
  readers_.resize(g.values.size());
  held_.assign(g.values.size(), false);
  takenOver_.assign(g.nodes.size(), false);
  for (const Node& n : g.nodes)
    if (!n.dead)
      for (ValueId v : n.operands)
        if (readers_[v].empty() || readers_[v].back() != &n) readers_[v].push_back(&n);
  for (const Output& o : g.outputs) held_[o.value] = true;
  for (const Update& u : g.updates) held_[u.value] = held_[u.target] = true;
  inPlaceTarget_ = inPlaceUpdates(g);
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    ValueId v = g.inputs[i];
    int b = newBuffer(Storage::Input, type(v).bytes(), g.value(v).name, (int)i);
    program_.inputBuffer.push_back(b);
    state_[v] = {b, plainDesc(type(v).shape, type(v).dtype), false, -1};
  }
  for (ValueId v : g.constants) {
    int b = updated_[v] ? addStateValue(program_, g, v)
                        : newBuffer(Storage::Const, type(v).bytes(), g.value(v).name, -1, g.value(v).data.raw());
    state_[v] = {b, plainDesc(type(v).shape, type(v).dtype), false, -1};
  }
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    ValueId v = g.outputs[i].value;
    program_.outputBuffer.push_back(newBuffer(Storage::Output, type(v).bytes(), g.outputs[i].name, (int)i));
    if (outIndex_[v] < 0 && g.value(v).kind == ValueKind::Result) outIndex_[v] = (int)i;
  }
}

int Lowering::newBuffer(Storage s, size_t bytes, std::string name, int binding, const void* data) {
  return program_.addBuffer(s, bytes, std::move(name), binding, data);
}

// What tells descs apart in practice (a buffer's views differ in dims, type or offset); equal
// descs hash equal, which is all the index needs.
static size_t hashMemRef(int buffer, const dn::memory::desc& md) {
  const dnnl_memory_desc_t& d = md.data;
  size_t h = std::hash<int>{}(buffer);
  auto mix = [&](int64_t v) { h ^= std::hash<int64_t>{}(v) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); };
  mix(d.ndims), mix(d.data_type), mix(d.offset0), mix(d.format_kind);
  for (int i = 0; i < d.ndims; ++i) mix(d.dims[i]);
  return h;
}

int Lowering::memref(int buffer, const dn::memory::desc& md) {
  size_t key = hashMemRef(buffer, md);
  auto [first, last] = memrefsOf_.equal_range(key);
  for (auto it = first; it != last; ++it)
    if (program_.memrefs[it->second].buffer == buffer && program_.memrefs[it->second].md == md) return it->second;
  program_.memrefs.push_back({buffer, md});
  int m = (int)program_.memrefs.size() - 1;
  memrefsOf_.emplace(key, m);
  return m;
}

dn::primitive_attr Lowering::attr() const {
  dn::primitive_attr a;
  a.set_scratchpad_mode(dn::scratchpad_mode::user);
  return a;
}

void Lowering::touch(int buffer, bool) { program_.touch(buffer, (int32_t)program_.steps.size() - 1); }

void Lowering::addPrimitive(const dn::primitive_desc_base& pd, std::vector<std::pair<int, int>> args, std::string what) {
  size_t scratch = pd.scratchpad_desc().get_size();
  if (scratch) {
    if (scratch_ < 0) scratch_ = newBuffer(Storage::Scratch, 0, "scratchpad");
    program_.scratchBytes = std::max(program_.scratchBytes, scratch);
    args.push_back({DNNL_ARG_SCRATCHPAD, memref(scratch_, pd.scratchpad_desc())});
  }
  Step s;
  s.prim = dn::primitive(pd.get());
  s.args = std::move(args);
  s.what = std::move(what);
  program_.steps.push_back(std::move(s));
  for (auto [arg, m] : program_.steps.back().args)
    if (arg != DNNL_ARG_SCRATCHPAD) touch(program_.memrefs[m].buffer, arg == DNNL_ARG_DST);
}

void Lowering::addKernel(std::unique_ptr<Kernel> k, const std::vector<int>& reads, const std::vector<int>& writes,
                         std::string what) {
  Step s;
  s.kernel = std::move(k);
  s.what = std::move(what);
  program_.steps.push_back(std::move(s));
  for (int b : writes) touch(b, true);
  for (int b : reads) touch(b, false);
}

void Lowering::touchLastStep(const std::vector<int>& reads, const std::vector<int>& writes) {
  for (int b : writes) touch(b, true);
  for (int b : reads) touch(b, false);
}

Status Lowering::addReorder(int src, int dst, std::string what) {
  const dn::memory::desc &smd = program_.memrefs[src].md, &dmd = program_.memrefs[dst].md;
  auto pd = dnnlTry(what, [&] { return dn::reorder::primitive_desc(engine, smd, engine, dmd, attr()); });
  if (!pd) return pd.takeError();
  addPrimitive(*pd, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}}, std::move(what));
  return ok();
}

// True when md lays the elements out exactly like the row-major `plain` (say nhwc with
// h = w = 1): no blocking, no padding, same offset, equal strides on every axis longer than 1.
static bool samePhysical(const dn::memory::desc& md, const dn::memory::desc& plain) {
  const dnnl_memory_desc_t &a = md.data, &b = plain.data;
  if (a.format_kind != dnnl_blocked || b.format_kind != dnnl_blocked || a.ndims != b.ndims || a.data_type != b.data_type ||
      a.offset0 != b.offset0 || a.format_desc.blocking.inner_nblks != 0 || a.extra.flags != 0)
    return false;
  for (int d = 0; d < a.ndims; ++d)
    if (a.dims[d] != b.dims[d] || a.padded_dims[d] != a.dims[d] ||
        (a.dims[d] > 1 && a.format_desc.blocking.strides[d] != b.format_desc.blocking.strides[d]))
      return false;
  return true;
}

int Lowering::defineResult(ValueId v, const dn::memory::desc& md) {
  const TensorType& t = type(v);
  dn::memory::desc plain = plainDesc(t.shape, t.dtype);
  bool blocked = md.data.ndims && md != plain && !samePhysical(md, plain);
  int out = outIndex_[v];
  int b;
  if (!blocked && inPlaceTarget_[v] != kNoTarget) {
    b = state_[inPlaceTarget_[v]].buffer;
  } else if (!blocked && out >= 0 && !outClaimed_[out]) {
    outClaimed_[out] = true;
    b = program_.outputBuffer[out];
  } else {
    b = newBuffer(Storage::Arena, bytesOf(t, md), graph.value(v).name);
  }
  state_[v] = {b, blocked ? md : plain, blocked, -1};
  return b;
}

void Lowering::aliasResult(ValueId v, int buffer) {
  state_[v] = {buffer, plainDesc(type(v).shape, type(v).dtype), false, -1};
}

int Lowering::plainBuffer(ValueId v) {
  ValueState& s = state_[v];
  if (!s.blocked) return s.buffer;
  if (s.plain >= 0) return s.plain;
  const TensorType& t = type(v);
  dn::memory::desc plain = plainDesc(t.shape, t.dtype);
  int out = outIndex_[v];
  int b;
  if (out >= 0 && !outClaimed_[out]) {
    outClaimed_[out] = true;
    b = program_.outputBuffer[out];
  } else {
    b = newBuffer(Storage::Arena, t.bytes(), graph.value(v).name + ".plain");
  }
  // Reordering blocked to plain does not fail for f32; if it does, prepare fails (fail()).
  Status st = addReorder(memref(s.buffer, s.md), memref(b, plain), "reorder to plain " + graph.value(v).name);
  if (!st) fail(st.takeError());
  state_[v].plain = b;
  return b;
}

int Lowering::inLayout(ValueId v, const dn::memory::desc& want) {
  const ValueState& s = state_[v];
  if (s.md == want) return memref(s.buffer, want);
  if (s.plain >= 0 && want == plainDesc(type(v).shape, type(v).dtype)) return memref(s.plain, want);
  auto [first, last] = reordered_.equal_range(v);
  for (auto it = first; it != last; ++it)  // two consumers wanting one layout share a reorder
    if (program_.memrefs[it->second].md == want) return it->second;
  int b = newBuffer(Storage::Arena, std::max(want.get_size(), type(v).bytes()), graph.value(v).name + ".reordered");
  int dst = memref(b, want);
  Status st = addReorder(memref(s.buffer, s.md), dst, "reorder " + graph.value(v).name);
  if (!st) fail(st.takeError());
  reordered_.emplace(v, dst);
  return dst;
}

int Lowering::addConstTensor(Tensor t) {
  program_.constStore.push_back(std::move(t));
  Tensor& kept = program_.constStore.back();
  return newBuffer(Storage::Const, kept.bytes(), "prepared", -1, kept.raw());
}

Result<int> Lowering::prepackConstant(ValueId v, const dn::memory::desc& want) {
  const Tensor& data = constData(v);
  if (want == plainDesc(data.shape(), data.dtype())) return bufferOf(v);
  return prepackTensor(data, want, graph.value(v).name);
}

Result<int> Lowering::prepackTensor(Tensor data, const dn::memory::desc& want, const std::string& name) {
  if (want == plainDesc(data.shape(), data.dtype())) return addConstTensor(std::move(data));
  // The reorder runs here, once, so that no run pays for it.
  Tensor packed(TensorType{DType::f32, {(int64_t)(want.get_size() + 3) / 4}});
  auto done = dnnlTry("prepack " + name, [&] {
    // The weights are reordered as the descriptor `want` sees them (same dims, other layout).
    dn::memory::dims dims = want.dims();
    dn::memory::desc src = stridedDesc(dims, want.data_type(), stridesOf(Shape(dims.begin(), dims.end())));
    dn::memory from(src, engine, const_cast<void*>(data.raw())), to(want, engine, packed.raw());
    dn::stream s(engine);
    // On one thread: a reorder of a few MB takes well under a millisecond, while an OpenMP
    // team waits for every thread to be scheduled, which on a busy machine cost prepare tens
    // of ms (W1 prepare 3-4 ms alone, 18-25 ms while two other compiles ran).
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    dn::reorder(from, to).execute(s, from, to);
    omp_set_num_threads(threads);
    s.wait();
    return 0;
  });
  if (!done) return done.takeError();
  return addConstTensor(std::move(packed));
}

std::string Lowering::describe(const Node& n) const { return describeNode(graph, n); }


Status Lowering::finish() {
  // Every output must end up in its caller-provided tensor.
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    ValueId v = graph.outputs[i].value;
    int dst = program_.outputBuffer[i];
    if (state_[v].buffer == dst || state_[v].plain == dst) continue;
    const TensorType& t = type(v);
    if (state_[v].blocked) {
      GRAPHC_TRY(addReorder(memref(state_[v].buffer, state_[v].md), memref(dst, plainDesc(t.shape, t.dtype)),
                            "output " + graph.outputs[i].name));
      continue;
    }
    int src = state_[v].buffer;
    addKernel(copyKernel(t.bytes(), src, dst), {src}, {dst}, "copy to output " + graph.outputs[i].name);
  }

  // A training step's updates, after everything else has read the old values.
  int inPlace = 0;
  for (const Update& u : graph.updates) {
    int src = plainBuffer(u.value), dst = state_[u.target].buffer;
    inPlace += src == dst;
    if (src == dst) continue;
    addKernel(copyKernel(type(u.target).bytes(), src, dst), {src}, {dst},
              "update " + graph.value(u.target).name);
  }

  GRAPHC_TRY(takeFailure());
  if (Status planned = program_.planArena(inPlace_, (int)graph.updates.size(), inPlace); !planned)
    return Error(planned.error().code, "dnnl: " + planned.error().message());
  return ok();
}

}  // namespace graphc::dnnl
