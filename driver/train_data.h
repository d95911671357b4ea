// The training data: checking the data and labels files against the model and the loss, the
// order of samples in each epoch, copying a batch's rows, and counting correct predictions.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/train/training.h"

namespace graphc::driver {

struct TrainSet {
  std::string dataPath, labelsPath;
  Tensor data, labels;
  int64_t samples = 0;
};

// Reads both files and checks what needs no model: matching sample counts, and a batch that fits.
// Files over maxMemory (0: the default limit, driver/limits.h) are refused before they are read.
Result<TrainSet> readTrainSet(const std::string& dataPath, const std::string& labelsPath, int64_t batch, size_t maxMemory = 0);

// How the labels are read, once checked against the model's first output and the loss.
struct LabelKind {
  TensorType batchType;  // the labels input of the training step: [B] or [B, ...] like the output
  bool classes = false;  // int class indices
  bool oneHot = false;   // float targets of a cross-entropy: the arg-max is the class
  bool accuracy() const { return classes || oneHot; }
};

// Checks the labels against `output` (the model's first output at batch B) and the loss: class
// indices [N] in [0, C) for the cross-entropies, float targets of the output's shape for any
// loss. Messages name the file, and for a class out of range the first bad index and value.
Result<LabelKind> checkLabels(const TrainSet& set, const TensorType& output, LossKind loss);

// Checks the data's per-sample shape and dtype against the model input bound at batch B.
Status checkData(const TrainSet& set, const Graph& model, ValueId input);

// Sample indices of one epoch: 0..n-1, or a permutation drawn from rng (Fisher-Yates on the
// raw 64-bit draws, so the order is the same with every standard library).
void epochOrder(std::vector<int64_t>& order, bool shuffle, std::mt19937_64& rng);

// dst[i] = src[rows[i]] along the first dimension (dst preallocated with rows.size() rows).
void gatherRows(const Tensor& src, std::span<const int64_t> rows, Tensor& dst);

// Rows of `output` [B, C] whose arg-max is the label's class.
int64_t countCorrect(const Tensor& output, const Tensor& labels, const LabelKind& kind);

}  // namespace graphc::driver
