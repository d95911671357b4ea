// The training data: checks, epoch order, batch rows, accuracy.
#include "driver/train_data.h"

#include <cstring>
#include <fmt/format.h>

#include "driver/limits.h"
#include "frontend/npy/npy.h"

namespace graphc::driver {

Result<TrainSet> readTrainSet(const std::string& dataPath, const std::string& labelsPath, int64_t batch, size_t maxMemory) {
  TrainSet set{dataPath, labelsPath, {}, {}, 0};
  GRAPHC_TRY(checkFileSize(dataPath, effectiveMaxMemory(maxMemory)));
  GRAPHC_TRY(checkFileSize(labelsPath, effectiveMaxMemory(maxMemory)));
  GRAPHC_ASSIGN(set.data, readNpy(dataPath));
  GRAPHC_ASSIGN(set.labels, readNpy(labelsPath));
  if (set.data.shape().empty())
    return Error(fmt::format("--data {}: expected samples along the first dimension, got the scalar {}", dataPath, set.data.type().str()));
  if (set.labels.shape().empty())
    return Error(fmt::format("--labels {}: expected one label per sample, got the scalar {}", labelsPath, set.labels.type().str()));
  set.samples = set.data.shape()[0];
  if (set.labels.shape()[0] != set.samples)
    return Error(fmt::format("--labels {} holds {} label(s) ({}), but --data {} holds {} sample(s) ({})", labelsPath,
                             set.labels.shape()[0], set.labels.type().str(), dataPath, set.samples, set.data.type().str()));
  if (batch > set.samples)
    return Error(fmt::format("--batch {} is larger than the data set ({} sample(s) in {})", batch, set.samples, dataPath));
  return set;
}

Status checkData(const TrainSet& set, const Graph& model, ValueId input) {
  const TensorType& t = model.type(input);
  Shape want(t.shape.begin() + (t.shape.empty() ? 0 : 1), t.shape.end());
  Shape got(set.data.shape().begin() + 1, set.data.shape().end());
  if (t.dtype != set.data.dtype() || want != got)
    return Error(fmt::format("--data {}: the model's input '{}' takes samples of {}[{}], the file holds {}[{}] ({})", set.dataPath,
                             model.value(input).name, dtypeName(t.dtype), fmt::join(want, ","), dtypeName(set.data.dtype()),
                             fmt::join(got, ","), set.data.type().str()));
  return ok();
}

Result<LabelKind> checkLabels(const TrainSet& set, const TensorType& output, LossKind loss) {
  const TensorType& lt = set.labels.type();
  const std::string& file = set.labelsPath;
  bool crossEntropy = loss != LossKind::Mse;
  int64_t batch = output.shape.empty() ? 1 : output.shape[0];
  Shape perSample(output.shape.begin() + (output.shape.empty() ? 0 : 1), output.shape.end());
  std::string floatForm = fmt::format("float targets {}[N{}{}] like the output", dtypeName(output.dtype),
                                      perSample.empty() ? "" : ",", fmt::join(perSample, ","));
  LabelKind kind;
  if (isInteger(lt.dtype)) {
    if (!crossEntropy)
      return Error(fmt::format("--labels {} holds class indices ({}), but mse compares the output {} with {}; "
                               "use --loss softmax_cross_entropy or cross_entropy for class labels",
                               file, lt.str(), output.str(), floatForm));
    if (output.rank() != 2)
      return Error(fmt::format("--loss {} needs a model output of shape [N, classes], got {}", lossName(loss), output.str()));
    if (lt.rank() != 1)
      return Error(fmt::format("--labels {}: class indices must have shape [N], got {}", file, lt.str()));
    int64_t classes = output.shape[1];
    for (int64_t i = 0; i < set.labels.numel(); ++i) {
      int64_t c = lt.dtype == DType::i64 ? set.labels.data<int64_t>()[i] : set.labels.data<int32_t>()[i];
      if (c < 0 || c >= classes)
        return Error(fmt::format("--labels {}: label {} at index {} is out of range [0, {}) for the model's {} classes",
                                 file, c, i, classes, classes));
    }
    kind.classes = true;
    kind.batchType = TensorType{lt.dtype, {batch}};
    return kind;
  }
  Shape got(lt.shape.begin() + 1, lt.shape.end());
  if (!isFloat(lt.dtype) || lt.dtype != output.dtype || got != perSample)
    return Error(fmt::format("--labels {} holds {}; the model's output is {}, so --loss {} needs {}{}", file, lt.str(),
                             output.str(), lossName(loss), crossEntropy && output.rank() == 2 ? "i64 class indices [N] or " : "",
                             floatForm));
  if (crossEntropy && output.rank() != 2)
    return Error(fmt::format("--loss {} needs a model output of shape [N, classes], got {}", lossName(loss), output.str()));
  kind.oneHot = crossEntropy;
  kind.batchType = output;
  return kind;
}

void epochOrder(std::vector<int64_t>& order, bool shuffle, std::mt19937_64& rng) {
  for (size_t i = 0; i < order.size(); ++i) order[i] = (int64_t)i;
  if (!shuffle) return;
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
}

void gatherRows(const Tensor& src, std::span<const int64_t> rows, Tensor& dst) {
  size_t row = rows.empty() ? 0 : dst.bytes() / rows.size();
  auto* out = static_cast<char*>(dst.raw());
  const auto* in = static_cast<const char*>(src.raw());
  for (size_t i = 0; i < rows.size(); ++i) std::memcpy(out + i * row, in + (size_t)rows[i] * row, row);
}

namespace {
template <class T>
int64_t argmaxRow(const T* p, int64_t n) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; ++j)
    if (p[j] > p[best]) best = j;
  return best;
}
int64_t argmaxRow(const Tensor& t, int64_t row, int64_t n) {
  return t.dtype() == DType::f64 ? argmaxRow(t.data<double>() + row * n, n) : argmaxRow(t.data<float>() + row * n, n);
}
}  // namespace

int64_t countCorrect(const Tensor& output, const Tensor& labels, const LabelKind& kind) {
  if (!kind.accuracy() || output.shape().size() != 2) return 0;
  int64_t rows = output.shape()[0], n = output.shape()[1], correct = 0;
  for (int64_t i = 0; i < rows; ++i) {
    int64_t want = kind.oneHot                      ? argmaxRow(labels, i, n)
                   : labels.dtype() == DType::i64 ? labels.data<int64_t>()[i]
                                                   : labels.data<int32_t>()[i];
    correct += argmaxRow(output, i, n) == want;
  }
  return correct;
}

}  // namespace graphc::driver
