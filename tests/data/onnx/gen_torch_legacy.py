#!/usr/bin/python3
# Exports a small PyTorch model at opsets 9 to 12, as torch.onnx writes them for older runtimes:
# Softmax and LogSoftmax under the flatten-to-2-D rule, Unsqueeze/Squeeze/ReduceSum/Split with
# attributes, Clip and Pad with attributes (below 11), Slice with attributes (below 10). Into
# torch_legacy/: legacy_opN.onnx, the input legacy.in.npy and PyTorch's output legacy.out.npy.
# Run with Debian's python (python3-torch, python3-onnx): /usr/bin/python3 gen_torch_legacy.py
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_legacy")


class Legacy(nn.Module):
    def forward(self, x):  # x: [2, 3, 4]
        a = torch.softmax(x, dim=1)
        b = torch.clamp(x.unsqueeze(1).squeeze(1), -0.5, 0.5)
        c = nn.functional.pad(b, (1, 2), value=0.25)[:, 1:, 2:]
        d = torch.log_softmax(x, dim=-1)
        e = x.sum(dim=1)
        f, g = torch.split(x, [1, 3], dim=2)
        return torch.cat([t.flatten() for t in (a, c, d, e, f * 2, g)])


torch.manual_seed(0)
os.makedirs(OUT, exist_ok=True)
x = torch.randn(2, 3, 4)
np.save(os.path.join(OUT, "legacy.in.npy"), x.numpy())
np.save(os.path.join(OUT, "legacy.out.npy"), Legacy()(x).detach().numpy())
for opset in (9, 10, 11, 12):
    torch.onnx.export(Legacy(), (x,), os.path.join(OUT, f"legacy_op{opset}.onnx"), opset_version=opset,
                      input_names=["x"], output_names=["y"])
