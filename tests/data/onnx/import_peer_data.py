#!/usr/bin/python3
"""Copies the reference cases from ../shared/peers (raw little-endian f32) into tests/data/onnx as
.npy files, so that the tests and `graphc run` read them directly. Run from the repository root."""
import json
import os
import numpy as np

peers = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/peers")
here = os.path.dirname(os.path.abspath(__file__))
manifest = json.load(open(os.path.join(peers, "models/manifest.json")))
for name, model in manifest["models"].items():
    for case in model["cases"]:
        if case["batch"] > 64:
            continue  # keep the test data small
        stem = f"{name}_b{case['batch']}"
        for kind, key, shape in [("in", "input_file", "input_shape"), ("out", "output_file", "output_shape")]:
            data = np.fromfile(os.path.join(peers, "data", case[key]), dtype="<f4").reshape(case[shape])
            np.save(os.path.join(here, f"{stem}_{kind}.npy"), data)
