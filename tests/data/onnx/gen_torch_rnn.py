#!/usr/bin/python3
# Exports small PyTorch recurrent models (nn.LSTM 2 layers bidirectional batch_first with learned
# initial states, nn.GRU bidirectional batch_first, nn.RNN 2 layers with ReLU, sequence first) at
# opsets 13 and 17 into torch_rnn/: NAME_opN.onnx, the input NAME.in.npy and PyTorch's output
# NAME.out.npy. Each model returns one tensor, the concatenation of the sequence output and the
# final states, so that one comparison checks Y, Y_h and (LSTM) Y_c.
# Run with Debian's python (python3-torch 1.13, python3-onnx): /usr/bin/python3 gen_torch_rnn.py
import os

import torch
from torch import nn

from torch_export import export_cases

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_rnn")
OPSETS = (13, 17)
torch.manual_seed(0)


def flat_states(h):  # [layers * dirs, batch, hidden] -> [batch, layers * dirs * hidden]
    return h.transpose(0, 1).flatten(1)


class Lstm(nn.Module):
    def __init__(self, features=6, hidden=5, batch=2):
        super().__init__()
        self.rnn = nn.LSTM(features, hidden, num_layers=2, batch_first=True, bidirectional=True)
        self.h0 = nn.Parameter(torch.randn(4, batch, hidden) * 0.5)
        self.c0 = nn.Parameter(torch.randn(4, batch, hidden) * 0.5)

    def forward(self, x):
        y, (h, c) = self.rnn(x, (self.h0, self.c0))
        return torch.cat([y.flatten(1), flat_states(h), flat_states(c)], dim=1)


class Gru(nn.Module):  # torch exports GRU with linear_before_reset=1
    def __init__(self, features=6, hidden=5):
        super().__init__()
        self.rnn = nn.GRU(features, hidden, batch_first=True, bidirectional=True)

    def forward(self, x):
        y, h = self.rnn(x)
        return torch.cat([y.flatten(1), flat_states(h)], dim=1)


class Rnn(nn.Module):  # sequence first (layout 0 without transposes), ReLU activations
    def __init__(self, features=6, hidden=5):
        super().__init__()
        self.rnn = nn.RNN(features, hidden, num_layers=2, nonlinearity="relu")

    def forward(self, x):
        y, h = self.rnn(x)
        return torch.cat([y.transpose(0, 1).flatten(1), flat_states(h)], dim=1)


MODELS = {
    "lstm": (Lstm(), (2, 4, 6)),  # [batch, seq, features]
    "gru": (Gru(), (3, 5, 6)),
    "rnn": (Rnn(), (4, 2, 6)),    # [seq, batch, features]
}

export_cases(OUT, MODELS, OPSETS, lambda model: f"ops {sorted({n.op_type for n in model.graph.node})}")
