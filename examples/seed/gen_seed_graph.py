#!/usr/bin/python3
"""Writes seed.graph: the seed MLP (10 -> dense 20 relu -> dense 5 softmax) in graphc's textual IR,
with PyTorch nn.Linear's default initialization, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), seed 0."""
import os
import numpy as np

rng = np.random.default_rng(0)
def linear(fan_in, fan_out):
    bound = 1 / np.sqrt(fan_in)
    return (rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32),
            rng.uniform(-bound, bound, (fan_out,)).astype(np.float32))

def data(a):
    return "[" + ", ".join("%.9g" % v for v in a.reshape(-1)) + "]"

w1, b1 = linear(10, 20)
w2, b2 = linear(20, 5)
text = f"""// The seed example: 10 inputs -> dense 20 relu -> dense 5 softmax. The batch N is bound when
// the model is compiled (graphc train --batch, or the shape of graphc run's input).
graph seed {{
  input %x : f32[N,10]
  param %w1 : f32[10,20] = {data(w1)}
  param %b1 : f32[20] = {data(b1)}
  param %w2 : f32[20,5] = {data(w2)}
  param %b2 : f32[5] = {data(b2)}
  %h = dense(%x, %w1, %b1) {{activation = "relu"}} : f32[N,20]
  %logits = dense(%h, %w2, %b2) : f32[N,5]
  %probs = softmax(%logits) : f32[N,5]
  output probs = %probs
}}
"""
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.graph"), "w") as f:
    f.write(text)
