// The interpreter: checks a node's operands against shape inference, dispatches on OpKind to
// the kernel families, and walks a graph in node order.
#include "ir/eval/interpreter.h"

#include <fmt/format.h>

#include "ir/builder.h"
#include "ir/eval/kernels.h"
#include "ir/verifier.h"

namespace graphc::eval {

// No default case: a new op in ops.def makes -Wswitch point here.
static KernelFn kernelFor(OpKind op) {
  switch (op) {
    case OpKind::Neg: case OpKind::Abs: case OpKind::Sqrt: case OpKind::Exp: case OpKind::Log:
    case OpKind::Erf: case OpKind::Reciprocal: case OpKind::Relu: case OpKind::LeakyRelu:
    case OpKind::Elu: case OpKind::Sigmoid: case OpKind::Tanh: case OpKind::Gelu: case OpKind::Clip:
    case OpKind::HardSigmoid: case OpKind::HardSwish: case OpKind::Silu:
    case OpKind::Sin: case OpKind::Cos: case OpKind::Tan: case OpKind::Asin: case OpKind::Acos: case OpKind::Atan:
    case OpKind::Sinh: case OpKind::Cosh: case OpKind::Asinh: case OpKind::Acosh: case OpKind::Atanh:
    case OpKind::Floor: case OpKind::Ceil: case OpKind::Round: case OpKind::Sign:
      return evalUnary;
    case OpKind::Pad: return evalPad;
    case OpKind::PadGrad: return evalPadGrad;
    case OpKind::Add: case OpKind::Sub: case OpKind::Mul: case OpKind::Div: case OpKind::Pow:
    case OpKind::Min: case OpKind::Max:
      return evalBinary;
    case OpKind::Equal: case OpKind::Less: case OpKind::Greater: return evalCompare;
    case OpKind::Where: return evalWhere;
    case OpKind::Softmax: case OpKind::LogSoftmax: return evalSoftmax;
    case OpKind::LayerNorm: return evalLayerNorm;
    case OpKind::BatchNorm: return evalBatchNorm;
    case OpKind::ReduceSum: case OpKind::ReduceMean: case OpKind::ReduceMax: case OpKind::ReduceProd: return evalReduce;
    case OpKind::TopK: return evalTopK;
    case OpKind::Reshape: return evalReshape;
    case OpKind::Transpose: return evalTranspose;
    case OpKind::Concat: return evalConcat;
    case OpKind::Slice: return evalSlice;
    case OpKind::Gather: return evalGather;
    case OpKind::Expand: return evalExpand;
    case OpKind::Cast: return evalCast;
    case OpKind::MatMul: return evalMatMul;
    case OpKind::Dense: return evalDense;
    case OpKind::Conv2d: return evalConv2d;
    case OpKind::MaxPool2d: return evalMaxPool2d;
    case OpKind::AvgPool2d: return evalAvgPool2d;
    case OpKind::GlobalAvgPool: return evalGlobalAvgPool;
    case OpKind::ReluGrad: return evalReluGrad;
    case OpKind::Conv2dGradInput: return evalConv2dGradInput;
    case OpKind::Conv2dGradWeight: return evalConv2dGradWeight;
    case OpKind::MaxPool2dGrad: return evalMaxPool2dGrad;
    case OpKind::AvgPool2dGrad: return evalAvgPool2dGrad;
    case OpKind::GatherGrad: return evalGatherGrad;
    case OpKind::SliceGrad: return evalSliceGrad;
    case OpKind::OneHot: return evalOneHot;
    case OpKind::SgdUpdate: return evalSgdUpdate;
    case OpKind::AllreduceStart: return evalAllreduceStart;
    case OpKind::DenseGrad: case OpKind::LayerNormGrad: case OpKind::MomentumUpdate: case OpKind::AdamUpdate:
    case OpKind::SoftmaxCrossEntropy: case OpKind::AllreduceWait:
      return nullptr;  // several results: multiKernelFor
  }
  return nullptr;
}

static MultiKernelFn multiKernelFor(OpKind op) {
  switch (op) {
    case OpKind::DenseGrad: return evalDenseGrad;
    case OpKind::LayerNormGrad: return evalLayerNormGrad;
    case OpKind::SoftmaxCrossEntropy: return evalSoftmaxCrossEntropy;
    case OpKind::MomentumUpdate: return evalMomentumUpdate;
    case OpKind::AdamUpdate: return evalAdamUpdate;
    case OpKind::AllreduceWait: return evalAllreduceWait;
    default: return nullptr;
  }
}

Result<std::vector<Tensor>> evalNode(const Node& node, std::span<const Tensor> operands,
                                     std::span<const TensorType> resultTypes) {
  const OpInfo& info = node.info();
  // Shape inference on the actual operands validates counts, dtypes and attributes, so the
  // kernels may assume well-formed input; the node's recorded types must agree with it.
  std::vector<TensorType> types;
  for (size_t i = 0; i < operands.size(); ++i) {
    if (operands[i].empty()) return Error(fmt::format("{}: operand #{} has no data", info.name, i));
    types.push_back(operands[i].type());
  }
  GRAPHC_ASSIGN(std::vector<TensorType> inferred, inferTypes(node.op, types, node.attrs));
  if (!resultTypes.empty()) {
    if (resultTypes.size() != inferred.size())
      return Error(fmt::format("{}: node has {} result(s), the op produces {}", info.name, resultTypes.size(), inferred.size()));
    for (size_t i = 0; i < inferred.size(); ++i)
      if (resultTypes[i] != inferred[i])
        return Error(fmt::format("{}: result #{} is declared {}, but the operands give {}", info.name, i,
                                 resultTypes[i].str(), inferred[i].str()));
  }
  OpCtx ctx{info, types, node.attrs};
  // bf16 operands widen exactly to f32, and the f32 kernel computes; ctx keeps their bf16 types
  // for the kernels that round on the way (dense_grad's dz).
  std::vector<Tensor> widened;
  if (info.has(kBf16Operands)) {
    for (const Tensor& t : operands) widened.push_back(t.dtype() == DType::bf16 ? widenBf16(t) : t);
    operands = widened;
  }
  if (MultiKernelFn multi = multiKernelFor(node.op)) return multi(ctx, operands, inferred);
  KernelFn kernel = kernelFor(node.op);
  if (!kernel) return Error(fmt::format("{}: the reference interpreter has no kernel", info.name));
  GRAPHC_ASSIGN(Tensor result, kernel(ctx, operands, inferred.front()));
  return std::vector<Tensor>{std::move(result)};
}

static Result<std::vector<Tensor>> run(const Graph& g, std::span<const Tensor> inputs, std::vector<Tensor>* state,
                                       const Collectives* collectives) {
  if (inputs.size() != g.inputs.size())
    return Error(fmt::format("graph '{}' takes {} input(s), got {}", g.name, g.inputs.size(), inputs.size()));
  std::vector<Tensor> env(g.values.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.value(g.inputs[i]);
    if (inputs[i].empty() || inputs[i].type() != v.type)
      return Error(fmt::format("input #{} %{} must be {}, got {}", i, v.name, v.type.str(),
                               inputs[i].empty() ? "no tensor" : inputs[i].type().str()), v.loc);
    env[g.inputs[i]] = inputs[i];
  }
  for (ValueId c : g.constants) {
    const Value& v = g.value(c);
    if (v.data.empty() || v.data.type() != v.type)
      return Error(fmt::format("constant %{} has no data of its type {}", v.name, v.type.str()), v.loc);
    env[c] = v.data;
    if (state && c < state->size() && !(*state)[c].empty()) {
      if ((*state)[c].type() != v.type)
        return Error(fmt::format("state of %{} is {}, expected {}", v.name, (*state)[c].type().str(), v.type.str()));
      env[c] = (*state)[c];
    }
  }
  for (const Node& n : g.nodes) {
    if (n.dead) continue;
    std::vector<Tensor> operands;
    for (ValueId v : n.operands) {
      if (v >= env.size() || env[v].empty())
        return Error(fmt::format("{}: an operand is used before it is defined", describeNode(g, n)), n.loc);
      operands.push_back(env[v]);
    }
    std::vector<TensorType> resultTypes;
    for (ValueId r : n.results) resultTypes.push_back(g.type(r));
    // A bucket's buffer is averaged in place between its start and its wait.
    if (collectives && n.op == OpKind::AllreduceWait)
      if (Status s = collectives->wait(OpCtx{n.info(), {}, n.attrs}.i("bucket")); !s)
        return Error(fmt::format("{}: {}", describeNode(g, n), s.error().message()), n.loc);
    auto results = evalNode(n, operands, resultTypes);
    if (results && collectives && n.op == OpKind::AllreduceStart) {
      Tensor& buffer = (*results)[0];
      if (Status s = collectives->start(OpCtx{n.info(), {}, n.attrs}.i("bucket"), buffer.data<float>(), (size_t)buffer.numel()); !s)
        return Error(fmt::format("{}: {}", describeNode(g, n), s.error().message()), n.loc);
    }
    if (!results) return Error(fmt::format("{}: {}", describeNode(g, n), results.error().message()), n.loc);
    for (size_t i = 0; i < n.results.size(); ++i) env[n.results[i]] = std::move((*results)[i]);
  }
  std::vector<Tensor> outputs;
  for (const Output& o : g.outputs) {
    if (o.value >= env.size() || env[o.value].empty())
      return Error(fmt::format("output '{}' is never computed", o.name));
    outputs.push_back(env[o.value]);
  }
  if (state) {
    // Every node has run, so overwriting the state now cannot feed a node a new value.
    state->resize(g.values.size());
    for (const Update& u : g.updates) {
      Tensor& target = (*state)[u.target];
      if (target.empty()) target = g.value(u.target).data.clone();
      const Tensor& v = env[u.value];
      if (v.empty() || v.type() != target.type()) return Error(fmt::format("update of %{} was not computed", g.value(u.target).name));
      std::memcpy(target.raw(), v.raw(), v.bytes());
    }
  }
  return outputs;
}

Result<std::vector<Tensor>> interpret(const Graph& g, std::span<const Tensor> inputs) {
  return run(g, inputs, nullptr, nullptr);
}

Result<std::vector<Tensor>> interpret(const Graph& g, std::span<const Tensor> inputs, std::vector<Tensor>& state,
                                      const Collectives* collectives) {
  return run(g, inputs, &state, collectives);
}

}  // namespace graphc::eval
