// npycmp A.npy B.npy [--rtol R] [--atol A]: exit 0 when the arrays have the same dtype and shape
// and |a - b| <= atol + rtol * |b| everywhere; otherwise print the worst element and exit 1.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "frontend/npy/npy.h"

int main(int argc, char** argv) {
  using namespace graphc;
  if (argc < 3) {
    std::fprintf(stderr, "usage: npycmp A.npy B.npy [--rtol R] [--atol A]\n");
    return 2;
  }
  double rtol = 1e-5, atol = 1e-6;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rtol") rtol = std::atof(argv[i + 1]);
    else if (flag == "--atol") atol = std::atof(argv[i + 1]);
  }
  auto a = readNpy(argv[1]), b = readNpy(argv[2]);
  if (!a || !b) {
    std::fprintf(stderr, "%s", (!a ? a.error() : b.error()).render().c_str());
    return 1;
  }
  if (a->type() != b->type()) {
    std::fprintf(stderr, "npycmp: types differ: %s vs %s\n", a->type().str().c_str(), b->type().str().c_str());
    return 1;
  }
  int64_t worst = -1;
  double worstExcess = 0;
  for (int64_t i = 0; i < a->numel(); ++i) {
    double x = a->at(i), y = b->at(i);
    if (x == y || (std::isnan(x) && std::isnan(y))) continue;
    double excess = std::fabs(x - y) - (atol + rtol * std::fabs(y));
    if (std::isnan(excess) || excess > worstExcess) worst = i, worstExcess = std::isnan(excess) ? INFINITY : excess;
  }
  if (worst >= 0) {
    std::fprintf(stderr, "npycmp: element %lld differs: %.9g vs %.9g (rtol %g, atol %g)\n", (long long)worst,
                 a->at(worst), b->at(worst), rtol, atol);
    return 1;
  }
  return 0;
}
