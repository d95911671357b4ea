#!/usr/bin/python3
# Exports small PyTorch models whose ONNX Slice nodes are open-ended, as torch.onnx writes them
# (ends = INT64_MAX for x[:, 1:] and x[..., -4:]; steps = -1 with ends = INT64_MIN for
# torch.flip; slices + Concat for torch.roll), at opsets 13 and 17, into torch_slices/:
# NAME_opN.onnx, the input NAME.in.npy and PyTorch's output NAME.out.npy.
# Run with Debian's python (python3-torch 1.13, python3-onnx): /usr/bin/python3 gen_torch_slices.py
import os

from onnx import numpy_helper
import torch
from torch import nn

from torch_export import export_cases

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_slices")
OPSETS = (13, 17)
torch.manual_seed(0)


class Rest(nn.Module):  # x[:, 1:]: drop the first token
    def forward(self, x):
        return x[:, 1:] * 2.0


class Tail(nn.Module):  # x[..., -4:]: the last four features
    def forward(self, x):
        return x[..., -4:] + 1.0


class Flip(nn.Module):  # torch.flip: Slice with steps -1 on two axes
    def forward(self, x):
        return torch.flip(x, dims=[1, 2])


class Roll(nn.Module):  # torch.roll: two slices per axis and a Concat
    def forward(self, x):
        return torch.roll(x, shifts=(2, -3), dims=(1, 2))


class TinyViT(nn.Module):
    """Patch embedding, a class token, one pre-norm MLP block, then the mean over the patch
    tokens x[:, 1:].mean(1) (the pooling that went all-NaN) and a linear head."""

    def __init__(self, patch=12, dim=16, tokens=6, classes=5):
        super().__init__()
        self.embed = nn.Linear(patch, dim)
        self.cls = nn.Parameter(torch.randn(1, 1, dim) * 0.1)
        self.pos = nn.Parameter(torch.randn(1, tokens + 1, dim) * 0.1)
        self.norm = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        t = self.embed(x)
        t = torch.cat([self.cls.expand(x.shape[0], -1, -1), t], dim=1) + self.pos
        t = t + self.mlp(self.norm(t))
        return self.head(t[:, 1:].mean(1))


MODELS = {
    "rest": (Rest(), (2, 5, 8)),
    "tail": (Tail(), (2, 3, 10)),
    "flip": (Flip(), (2, 4, 6)),
    "roll": (Roll(), (2, 5, 7)),
    "vit_pool": (TinyViT(), (3, 6, 12)),
}


def slice_bounds(model):
    """The (starts, ends, steps) constants of every Slice, to show what the exporter wrote."""
    consts = {n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in model.graph.node if n.op_type == "Constant"}
    consts |= {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    return [[consts[i].tolist() if i in consts else i for i in n.input[1:]] for n in model.graph.node if n.op_type == "Slice"]


export_cases(OUT, MODELS, OPSETS, lambda model: f"Slice (starts, ends, axes, steps): {slice_bounds(model)}")
