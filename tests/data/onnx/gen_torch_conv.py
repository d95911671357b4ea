#!/usr/bin/python3
# Exports 1-D and 3-D convolutions and pools as torch.onnx writes them, at opsets 11, 13 and 17,
# into torch_conv/: NAME_opN.onnx, the input NAME.in.npy and PyTorch's output NAME.out.npy.
# conv1d: a 1-D CNN over a sequence (strided, dilated, grouped convolutions; max and average
# pools, ceil_mode, count_include_pad both ways; a global average). conv3d: a small video CNN
# (strided and padded 3-D convolutions, a grouped dilated one, max and average 3-D pools with
# ceil_mode and padding, a global max). conv_transpose1d: a 1-D decoder of transposed convolutions.
# Run with Debian's python (python3-torch, python3-onnx): /usr/bin/python3 gen_torch_conv.py
import os

import torch
import torch.nn.functional as F
from torch import nn

from torch_export import export_cases

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_conv")
torch.manual_seed(0)


class Conv1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv1d(4, 8, 5, stride=2, padding=2)
        self.b = nn.Conv1d(8, 8, 3, padding=2, dilation=2, groups=4)
        self.c = nn.Conv1d(8, 6, 1, bias=False)

    def forward(self, x):  # [2, 4, 23]
        y = torch.relu(self.a(x))
        y = F.max_pool1d(torch.relu(self.b(y)), 3, stride=2, padding=1, ceil_mode=True)
        z = F.avg_pool1d(y, 2, stride=1, padding=1, count_include_pad=False)
        w = F.avg_pool1d(y, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)
        return torch.cat([self.c(z).flatten(1), w.flatten(1), F.adaptive_avg_pool1d(y, 1).flatten(1)], dim=1)


class Conv3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv3d(3, 8, (3, 3, 3), stride=(1, 2, 2), padding=1)
        self.b = nn.Conv3d(8, 8, (2, 3, 3), stride=(2, 1, 1), padding=(1, 2, 2), dilation=(2, 2, 2), groups=2)
        self.c = nn.Conv3d(8, 4, 1)

    def forward(self, x):  # [2, 3, 5, 9, 8]
        y = torch.relu(self.a(x))
        y = torch.relu(self.b(y))
        m = F.max_pool3d(y, (2, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1), ceil_mode=True)
        a = F.avg_pool3d(y, (3, 2, 2), stride=(2, 1, 1), padding=(1, 0, 1), count_include_pad=False)
        b = F.avg_pool3d(y, 2, stride=2, ceil_mode=True, count_include_pad=True)
        g = F.adaptive_max_pool3d(self.c(y), 1)
        d = F.max_pool3d(y, (2, 2, 2), stride=1, dilation=(2, 1, 1))
        return torch.cat([t.flatten(1) for t in (self.c(m), a, b, g, d)], dim=1)


class ConvTranspose1d(nn.Module):
    """A 1-D decoder: strided, padded, grouped and dilated transposed convolutions."""

    def __init__(self):
        super().__init__()
        self.a = nn.ConvTranspose1d(6, 8, 4, stride=2, padding=1, output_padding=1, groups=2)
        self.b = nn.ConvTranspose1d(8, 4, 3, stride=3, padding=2, dilation=2, bias=False)
        self.c = nn.ConvTranspose1d(4, 3, 1)

    def forward(self, x):  # [2, 6, 11]
        return self.c(torch.tanh(self.b(torch.relu(self.a(x)))))


MODELS = {
    "conv1d": (Conv1d(), (2, 4, 23)),
    "conv3d": (Conv3d(), (2, 3, 5, 9, 8)),
    "conv_transpose1d": (ConvTranspose1d(), (2, 6, 11)),
}

export_cases(OUT, MODELS, (11, 13, 17), lambda model: f"ops {sorted({n.op_type for n in model.graph.node})}")
