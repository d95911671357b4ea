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
      // Fusion and memory planning go below, on the cleaned-up graph.
  };
}

}  // namespace graphc
