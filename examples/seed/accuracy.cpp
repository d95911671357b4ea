// seed_accuracy PROBS.npy LABELS.npy: prints how often the arg-max class equals the label.
#include <cstdio>

#include "frontend/npy/npy.h"

int main(int argc, char** argv) {
  using namespace graphc;
  if (argc != 3) {
    std::fprintf(stderr, "usage: seed_accuracy PROBS.npy LABELS.npy\n");
    return 2;
  }
  auto probs = readNpy(argv[1]);
  auto labels = readNpy(argv[2]);
  if (!probs || !labels) {
    std::fprintf(stderr, "%s", (!probs ? probs.error() : labels.error()).render().c_str());
    return 1;
  }
  if (probs->shape().size() != 2 || labels->shape() != Shape{probs->shape()[0]}) {
    std::fprintf(stderr, "error: expected probabilities [N,C] and labels [N], got %s and %s\n",
                 probs->type().str().c_str(), labels->type().str().c_str());
    return 1;
  }
  int64_t n = probs->shape()[0], c = probs->shape()[1], correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t best = 0;
    for (int64_t j = 1; j < c; ++j)
      if (probs->at(i * c + j) > probs->at(i * c + best)) best = j;
    correct += best == (int64_t)labels->at(i);
  }
  std::printf("accuracy on %lld held-out samples: %.2f%%\n", (long long)n, 100.0 * double(correct) / double(n));
  return 0;
}
