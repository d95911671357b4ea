// The default pipeline: which passes `graphc compile` runs, in order, and why.
#include "passes/pass.h"

namespace graphc {

std::vector<std::string> defaultPipeline() {
  return {
      // Canonical forms first, so that every later pass sees one spelling of each idiom and
      // identities (x*1, transpose∘transpose, ...) are gone before anything costs time on them.
      "canonicalize",
      // Evaluate what is known at compile time (reshaped or transposed constants, shape
      // arithmetic from importers) so that it costs nothing at run time.
      "constant_fold",
      // Folding makes new constants, which can turn into identities (x * folded-1).
      "canonicalize",
      // Merge repeated subexpressions (importers often emit the same reshape or constant twice);
      // after canonicalization so that equal computations are spelled the same.
      "cse",
      // Drop what the rewrites above orphaned. Last of the cleanup, so fusion sees a minimal graph.
      "dce",
      // Raise exporters' decomposed forms back to the ops they spell out. Before fuse_dense:
      // a raised gelu is an activation fuse_dense can absorb, and raising first leaves the
      // dense bias add with a single use (the decomposed gelu reads it twice), and a raised
      // layer_norm's input with a single use, so it can become a dense residual.
      "fuse_layer_norm",
      "fuse_gelu",
      "raise_log_softmax",
      // torch.onnx below opset 14 writes hard-swish as x * hard_sigmoid(x): one op again.
      "raise_hard_swish",
      // ... and SiLU as x * sigmoid(x): one op, an activation fuse_conv and fuse_dense absorb.
      "raise_silu",
      // matmul + bias + activation + residual -> dense; imported Gemms gain their activation.
      "fuse_dense",
      // A zero pad in front of a conv or average pool (torch's AvgPool2d with count_include_pad)
      // becomes the op's own padding: no padded copy of the feature map.
      "fold_pad",
      // conv2d + per-channel bias + activation + residual -> conv2d.
      "fuse_conv",
      // Fusion adds zero biases and unit scales; equal ones merge.
      "cse",
      // Nothing should be left over, but a cheap final sweep keeps that a guarantee.
      "dce",
      // Memory planning goes below, on the fused graph.
  };
}

}  // namespace graphc
