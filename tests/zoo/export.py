#!/usr/bin/python3
"""Exports the model zoo that users bring (torchvision CNNs, a ViT, a U-Net-like model, a
GPT-2-like decoder, an LSTM classifier) with Debian's torch.onnx, with PyTorch's outputs.

  /usr/bin/python3 tests/zoo/export.py OUT_DIR [--models a,b,...] [--opsets 13,17]

Writes OUT_DIR/<model>/opset<K>.onnx (batch dimension symbolic), input.npy and torch.npy (the
eval-mode output for that input). Weights are random from fixed seeds (no download); BatchNorm
statistics are calibrated on one random batch so that folding them is exercised.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision


class UNetLike(nn.Module):
    """Encoder-decoder with skip connections: Conv, MaxPool, ConvTranspose, Resize, Concat."""

    def __init__(self):
        super().__init__()
        block = lambda i, o: nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU())
        self.e1, self.e2, self.mid = block(3, 8), block(8, 16), block(16, 32)
        self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.d2 = block(32, 16)
        self.up1 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.d1 = block(16 + 8, 8)
        self.head = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        a = self.e1(x)
        b = self.e2(nn.functional.max_pool2d(a, 2))
        m = self.mid(nn.functional.max_pool2d(b, 2))
        d2 = self.d2(torch.cat([self.up2(m), b], 1))
        d1 = self.d1(torch.cat([self.up1(d2), a], 1))
        return self.head(d1)


class GPTLike(nn.Module):
    """A GPT-2-style decoder: token + position embeddings, causal self-attention, GELU MLP."""

    def __init__(self, vocab=256, d=64, heads=4, layers=2, seq=32):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(seq, d)
        self.blocks = nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(nn.ModuleDict({
                "ln1": nn.LayerNorm(d), "qkv": nn.Linear(d, 3 * d), "proj": nn.Linear(d, d),
                "ln2": nn.LayerNorm(d), "fc": nn.Linear(d, 4 * d), "out": nn.Linear(4 * d, d)}))
        self.ln, self.head, self.heads = nn.LayerNorm(d), nn.Linear(d, vocab, bias=False), heads
        # As GPT-2 does: the causal mask is a buffer, sliced to the sequence (aten::triu exports
        # only from opset 14).
        self.register_buffer("mask", torch.triu(torch.ones(seq, seq, dtype=torch.bool), diagonal=1))

    def forward(self, ids):
        n, t = ids.shape
        x = self.tok(ids) + self.pos(torch.arange(t, device=ids.device))
        mask = self.mask[:t, :t]
        for b in self.blocks:
            q, k, v = b["qkv"](b["ln1"](x)).split(x.shape[-1], dim=-1)
            split = lambda z: z.view(n, t, self.heads, -1).transpose(1, 2)
            q, k, v = split(q), split(k), split(v)
            att = (q @ k.transpose(-2, -1)) / (q.shape[-1] ** 0.5)
            att = att.masked_fill(mask, float("-inf")).softmax(-1)
            x = x + b["proj"]((att @ v).transpose(1, 2).reshape(n, t, -1))
            x = x + b["out"](nn.functional.gelu(b["fc"](b["ln2"](x))))
        return self.head(self.ln(x))


class LSTMClassifier(nn.Module):
    def __init__(self, vocab=500, d=32, hidden=48, classes=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.lstm = nn.LSTM(d, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, ids):
        out, _ = self.lstm(self.emb(ids))
        return self.fc(out[:, -1])


def vision(name):
    return lambda: getattr(torchvision.models, name)(weights=None), (1, 3, 224, 224), "float"


MODELS = {
    "resnet50": vision("resnet50"),
    "mobilenet_v2": vision("mobilenet_v2"),
    "mobilenet_v3_small": vision("mobilenet_v3_small"),
    "densenet121": vision("densenet121"),
    "squeezenet1_1": vision("squeezenet1_1"),
    "shufflenet_v2_x0_5": vision("shufflenet_v2_x0_5"),
    "efficientnet_b0": vision("efficientnet_b0"),
    "convnext_tiny": vision("convnext_tiny"),
    "vit_b_16": vision("vit_b_16"),
    "unet_like": (UNetLike, (1, 3, 64, 64), "float"),
    "gpt_like": (GPTLike, (1, 32), "tokens:256"),
    "lstm_classifier": (LSTMClassifier, (1, 20), "tokens:500"),
}


def calibrate_bn(model, shape):
    """BatchNorm running statistics from one random batch, so that BN is not the identity."""
    if not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        return
    model.train()
    with torch.no_grad():
        model(torch.randn((4,) + tuple(shape[1:])))
    model.eval()


def randomize_zero_weights(model):
    """Weights initialised to zero (torchvision's ViT head) would make the output all zeros, and
    a comparison of zeros checks nothing: they get small random values instead."""
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2 and not p.any():
                nn.init.normal_(p, std=0.02)


def export(name, out_dir, opsets):
    make, shape, kind = MODELS[name]
    torch.manual_seed(0)
    model = make().eval()
    randomize_zero_weights(model)
    calibrate_bn(model, shape)
    gen = torch.Generator().manual_seed(1)
    if kind.startswith("tokens:"):
        x = torch.randint(0, int(kind.split(":")[1]), shape, generator=gen, dtype=torch.int64)
    else:
        x = torch.randn(shape, generator=gen)
    with torch.no_grad():
        y = model(x)
    if float(y.abs().max()) == 0 or float(y.std()) == 0:
        raise SystemExit(f"export.py: {name}: PyTorch's output is constant ({float(y.flatten()[0])}), which would check nothing")
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "input.npy"), x.numpy())
    np.save(os.path.join(folder, "torch.npy"), y.numpy())
    for opset in opsets:
        path = os.path.join(folder, f"opset{opset}.onnx")
        torch.onnx.export(model, (x,), path, opset_version=opset, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "N"}, "y": {0: "N"}}, do_constant_folding=True)
    print(f"export.py: {name}: {list(x.shape)} -> {list(y.shape)}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--opsets", default="13,17")
    args = ap.parse_args()
    torch.set_num_threads(1)
    opsets = [int(o) for o in args.opsets.split(",")]
    for name in args.models.split(","):
        if name not in MODELS:
            print(f"export.py: unknown model '{name}'; known: {', '.join(MODELS)}", file=sys.stderr)
            return 2
        if all(os.path.exists(os.path.join(args.out_dir, name, f"opset{o}.onnx")) for o in opsets):
            continue  # exported before: the seeds make the same files
        export(name, args.out_dir, opsets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
