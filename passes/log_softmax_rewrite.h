// The rewrite log(softmax(x)) -> log_softmax(x): the stable form of cross-entropy on
// probabilities. The training builder applies it; it is a canonicalize pattern in waiting.
#pragma once

#include "ir/graph.h"

namespace graphc {

// Replaces every log whose operand is a softmax by a log_softmax with the softmax's axis, and
// marks the log (and the softmax, when nothing else uses it) dead. Returns how many it
// rewrote; call g.finalize() afterwards.
int rewriteLogSoftmax(Graph& g);

}  // namespace graphc
