# Shared by the gen_torch_*.py scripts: exports PyTorch modules with torch.onnx at several opsets,
# with one random input each and PyTorch's output for it. Run with Debian's python.
import os

import numpy as np
import onnx
import torch


def export_cases(out_dir, models, opsets, note=lambda model: ""):
    """For each name: (module, input shape) in models, writes out_dir/NAME.in.npy, PyTorch's output
    NAME.out.npy and NAME_opN.onnx for each opset (checked by onnx.checker), and prints each file
    with note(model) beside it. The inputs come from torch's global generator, in models' order."""
    os.makedirs(out_dir, exist_ok=True)
    for name, (module, shape) in models.items():
        module.eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            y = module(x)
        np.save(os.path.join(out_dir, f"{name}.in.npy"), x.numpy())
        np.save(os.path.join(out_dir, f"{name}.out.npy"), y.numpy())
        for opset in opsets:
            path = os.path.join(out_dir, f"{name}_op{opset}.onnx")
            torch.onnx.export(module, (x,), path, input_names=["x"], output_names=["y"], opset_version=opset)
            model = onnx.load(path)
            onnx.checker.check_model(model)
            print(f"{name}_op{opset}: {os.path.getsize(path)} bytes, {note(model)}")
