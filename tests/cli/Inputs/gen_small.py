#!/usr/bin/python3
"""Writes small.graph's input and the numpy-computed expected outputs (Debian's /usr/bin/python3)."""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
x = rng.uniform(-1, 1, (2, 3)).astype(np.float32)
w = np.array([[0.5, -0.25, 1.0, 0.125], [-1.0, 0.75, 0.5, 0.25], [0.25, 0.5, -0.5, 1.5]], np.float32)
b = np.array([0.1, -0.2, 0.3, 0.0], np.float32)
h = np.maximum(x.astype(np.float64) @ w + b, 0)
e = np.exp(h - h.max(axis=1, keepdims=True))
p = e / e.sum(axis=1, keepdims=True)
np.save(os.path.join(here, "small_x.npy"), x)
np.save(os.path.join(here, "small_hidden.npy"), h.astype(np.float32))
np.save(os.path.join(here, "small_probs.npy"), p.astype(np.float32))
np.save(os.path.join(here, "small_x_f64.npy"), x.astype(np.float64))
np.save(os.path.join(here, "small_x_3x3.npy"), np.zeros((3, 3), np.float32))
