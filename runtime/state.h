// The state block of a training step: the params and optimizer state its updates rewrite, kept
// by each context from run to run, and which of those updates can write in place.
#pragma once

#include <span>
#include <vector>

#include "ir/graph.h"
#include "runtime/program.h"
#include "runtime/tensor_view.h"

namespace graphc {

// Gives update target v (a param or state) a State buffer, initialised from its data.
int addStateValue(BufferProgram& p, const Graph& g, ValueId v);

// Copies every State buffer's initial bytes (zeros where it has none) into a context's block
// of p.stateBytes bytes.
void initState(const BufferProgram& p, void* block);

// A copy of param or state v as the context whose buffer addresses are `ptrs` sees it: the
// trained value of an update target, the graph's data for the others.
Result<Tensor> readState(const Graph& g, const BufferProgram& p, std::span<void* const> ptrs, ValueId v);

// Per value: the update target it can be written over in place, or kNoTarget. An update
// u -> t is in place when u's producer may overwrite t (mayOverwrite in ir/op.h, same type), or
// is the cast that refreshes a weight's bf16 copy t from an optimizer update, and every other
// reader of t runs before it (steps follow node order); the new value is then written straight
// into t's state storage and the step copies nothing.
inline constexpr ValueId kNoTarget = UINT32_MAX;
// Overwrites update target v's bytes in the context whose buffer addresses are `ptrs`; an error
// when v is not an update target or `data` is not of its type.
Status writeState(const Graph& g, const BufferProgram& p, std::span<void* const> ptrs, ValueId v, ConstTensorView data);

std::vector<ValueId> inPlaceUpdates(const Graph& g);

// The state values that hold update target v rounded to bf16 (precision_bf16's copies of a
// trained weight): the targets of updates by a cast to bf16 of the value the step gives v.
std::vector<ValueId> bf16CopiesOf(const Graph& g, ValueId v);
// The cast that refreshes such a copy from optimizer update `update`'s new f32 weight, when the
// update's kernel may write it instead: the cast's result is only the copy's next value, every
// reader of the copy runs before the update, and inPlaceUpdates places it in the copy's state
// storage. nullptr otherwise.
const Node* bf16CopyCast(const Graph& g, const Node& update);

}  // namespace graphc
