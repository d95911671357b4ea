// Recurrent models exported by torch.onnx (tests/data/onnx/torch_rnn, made by gen_torch_rnn.py):
// a 2-layer bidirectional batch_first nn.LSTM with learned initial states, a bidirectional
// nn.GRU (linear_before_reset=1) and a 2-layer ReLU nn.RNN. Each model's output concatenates
// the sequence output and the final states, so Y, Y_h and Y_c are all checked against PyTorch on
// every backend.
#include <doctest/doctest.h>

#include "tests/onnx/torch_models.h"

using graphc::test::checkMatchesTorch;

TEST_CASE("torch's nn.LSTM (2 layers, bidirectional, batch_first, given h0 and c0) matches PyTorch") {
  for (int opset : {13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("lstm", opset, "torch_rnn");
  }
}

TEST_CASE("torch's nn.GRU (bidirectional, batch_first, linear_before_reset=1) matches PyTorch") {
  for (int opset : {13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("gru", opset, "torch_rnn");
  }
}

TEST_CASE("torch's nn.RNN (2 layers, ReLU, sequence first) matches PyTorch") {
  for (int opset : {13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("rnn", opset, "torch_rnn");
  }
}
