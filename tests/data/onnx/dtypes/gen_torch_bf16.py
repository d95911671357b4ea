#!/usr/bin/python3
"""A bf16 MLP as torch.onnx writes it (Debian's python3-torch): model.to(torch.bfloat16), so its
initializers, input and output are BFLOAT16. The input is saved as uint16 bits (ONNX's
numpy_helper form); the expected output is PyTorch's f32 math on the same bf16 values, rounded
to bf16 (nearest even) and saved as bits. Run with /usr/bin/python3."""
import os

import numpy as np
import torch
import torch.nn as nn

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4)).to(torch.bfloat16).eval()
x = torch.randn(3, 8).to(torch.bfloat16)
torch.onnx.export(model, (x,), os.path.join(here, "torch_bf16_mlp.onnx"), opset_version=13, input_names=["x"],
                  output_names=["y"])
np.save(os.path.join(here, "torch_bf16_mlp.x.npy"), x.view(torch.int16).numpy().view(np.uint16))
with torch.no_grad():
    y = model.float()(x.float())
np.save(os.path.join(here, "torch_bf16_mlp.y.npy"), y.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16))
