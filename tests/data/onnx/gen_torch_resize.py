#!/usr/bin/python3
# Exports F.interpolate as torch.onnx writes it: Resize at opsets 11, 13 and 17 in every mode
# PyTorch has (nearest up and down to a size, bilinear with and without align_corners, bicubic),
# beside a U-Net-like step (upsample, concat with a skip connection, conv); a U-Net-like model
# with ConvTranspose (strided with output padding; grouped and dilated), Resize and Concat; and
# nearest upsampling at opsets 9 (Upsample) and 10 (Resize 10), the only mode those opsets
# express as PyTorch computes it. Into torch_resize/: NAME_opN.onnx, NAME.in.npy and PyTorch's
# NAME.out.npy.
# Run with Debian's python (python3-torch, python3-onnx): /usr/bin/python3 gen_torch_resize.py
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_resize")


class Modes(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(6, 4, 3, padding=1)

    def forward(self, x):  # x: [2, 3, 5, 6]
        up = F.interpolate(x, scale_factor=2, mode="nearest")
        down = F.interpolate(x, size=(3, 4), mode="nearest")
        bilinear = F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False)
        # By size: over a scale, ONNX divides by in * scale - 1 where PyTorch divides by out - 1.
        corners = F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True)
        bicubic = F.interpolate(x, size=(8, 11), mode="bicubic", align_corners=False)
        skip = torch.cat([F.interpolate(x[:, :, ::2, ::2], size=(5, 6), mode="nearest"), x], dim=1)
        unet = self.conv(skip)
        return torch.cat([t.flatten() for t in (up, down, bilinear, corners, bicubic, unet)])


class UNet(nn.Module):  # a down step, a transposed-convolution up step and a skip connection
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.up = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
        self.grouped = nn.ConvTranspose2d(8, 4, (2, 3), stride=(1, 2), padding=(0, 1), dilation=(2, 1), groups=2, bias=False)
        self.head = nn.Conv2d(7, 2, 1)

    def forward(self, x):  # x: [2, 3, 5, 6]
        d = torch.relu(self.down(x))
        u = self.up(d)[:, :, :5, :6]
        g = F.interpolate(self.grouped(d), size=(5, 6), mode="bilinear", align_corners=False)
        return self.head(torch.cat([u, x], dim=1)).flatten() + g.sum()


class Nearest(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2, mode="nearest") * 2


torch.manual_seed(0)
os.makedirs(OUT, exist_ok=True)
x = torch.randn(2, 3, 5, 6)
for name, model, opsets in (("modes", Modes(), (11, 13, 17)), ("unet", UNet(), (11, 13, 17)), ("nearest", Nearest(), (9, 10))):
    model.eval()
    np.save(os.path.join(OUT, f"{name}.in.npy"), x.numpy())
    np.save(os.path.join(OUT, f"{name}.out.npy"), model(x).detach().numpy())
    for opset in opsets:
        torch.onnx.export(model, (x,), os.path.join(OUT, f"{name}_op{opset}.onnx"), opset_version=opset,
                          input_names=["x"], output_names=["y"])
