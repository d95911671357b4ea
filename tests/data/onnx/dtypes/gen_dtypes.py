#!/usr/bin/python3
"""Writes the ONNX models of the storage-dtype import tests (tests/onnx/storage_dtypes.cpp) and
their inputs and NumPy's outputs (run with Debian's /usr/bin/python3).

  f16: y = Relu(x @ w + b) with f16 input and weights, and the f16 sum cast to f32; NumPy computes
       in f32 from the f16 values and rounds the results to f16, as graphc does.
  u8:  wrapping add, sub and mul, then a Div and a comparison of the wrapped values, Max, and a
       Cast of the wrapped sum to f32: NumPy computes in u8.
  i8:  Neg and Abs of -128, Sub that wraps, Cast to u8, i16 and f16.
  bf16: y = Relu(x @ w + b) with bf16 input and weights (w as int32_data, b as raw_data), the sum
       cast to f32, and that cast back to bf16. bf16 files hold the bits as uint16, as ONNX's
       numpy_helper does; NumPy computes in f32 and rounds to nearest even where ONNX's values
       are bf16 (s too: graphc keeps it in f32, within a bf16 ulp).
"""
import os
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto as T

here = os.path.dirname(os.path.abspath(__file__))
def path(name): return os.path.join(here, name)
rng = np.random.default_rng(12)

def save(name, graph):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_dtypes.py")
    onnx.checker.check_model(model)
    onnx.save(model, path(name + ".onnx"))

def io(name, elem, shape): return helper.make_tensor_value_info(name, elem, shape)

# f16
x = rng.uniform(-2, 2, (2, 5)).astype(np.float16)
x[0, 0] = np.float16(-0.0)
w = rng.uniform(-1, 1, (5, 3)).astype(np.float16)
b = np.array([0.5, -0.25, 60000], np.float16)  # 60000 + a few overflows nothing; x @ w is small
g = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["s"]),
     helper.make_node("Relu", ["s"], ["y"]), helper.make_node("Cast", ["s"], ["s32"], to=T.FLOAT),
     helper.make_node("Mul", ["s", "s"], ["sq"])],
    "f16", [io("x", T.FLOAT16, [2, 5])], [io("y", T.FLOAT16, [2, 3]), io("s32", T.FLOAT, [2, 3]), io("sq", T.FLOAT16, [2, 3])],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
save("f16", g)
s = (x.astype(np.float32) @ w.astype(np.float32) + b.astype(np.float32)).astype(np.float16)
np.save(path("f16.in.npy"), x)
np.save(path("f16.y.npy"), np.maximum(s, np.float16(0)))
np.save(path("f16.s32.npy"), s.astype(np.float32))
np.save(path("f16.sq.npy"), (s.astype(np.float32) * s.astype(np.float32)).astype(np.float16))  # 60000^2 is inf

# u8
a = rng.integers(0, 256, (4, 6), dtype=np.uint8)
a[0, :3] = [255, 0, 200]
c = rng.integers(0, 256, (4, 6), dtype=np.uint8)
c[0, :3] = [1, 1, 100]
three = np.array(3, np.uint8)
g = helper.make_graph(
    [helper.make_node("Add", ["a", "c"], ["sum"]), helper.make_node("Sub", ["a", "c"], ["diff"]),
     helper.make_node("Mul", ["a", "c"], ["prod"]), helper.make_node("Div", ["sum", "three"], ["third"]),
     helper.make_node("Greater", ["sum", "a"], ["grew"]), helper.make_node("Max", ["diff", "prod"], ["most"]),
     helper.make_node("Cast", ["sum"], ["sumf"], to=T.FLOAT)],
    "u8", [io("a", T.UINT8, [4, 6]), io("c", T.UINT8, [4, 6])],
    [io("diff", T.UINT8, [4, 6]), io("third", T.UINT8, [4, 6]), io("grew", T.BOOL, [4, 6]), io("most", T.UINT8, [4, 6]),
     io("sumf", T.FLOAT, [4, 6])],
    [numpy_helper.from_array(three, "three")])
save("u8", g)
total = a + c  # wraps in u8
np.save(path("u8.a.npy"), a)
np.save(path("u8.c.npy"), c)
np.save(path("u8.diff.npy"), a - c)
np.save(path("u8.third.npy"), total // three)
np.save(path("u8.grew.npy"), total > a)
np.save(path("u8.most.npy"), np.maximum(a - c, a * c))
np.save(path("u8.sumf.npy"), total.astype(np.float32))

# i8
v = np.array([-128, -1, 0, 1, 127, 100, -100, 64], np.int8)
g = helper.make_graph(
    [helper.make_node("Neg", ["v"], ["neg"]), helper.make_node("Abs", ["v"], ["abs"]),
     helper.make_node("Sub", ["v", "neg"], ["twice"]), helper.make_node("Cast", ["v"], ["u"], to=T.UINT8),
     helper.make_node("Cast", ["twice"], ["wide"], to=T.INT16), helper.make_node("Cast", ["v"], ["h"], to=T.FLOAT16)],
    "i8", [io("v", T.INT8, [8])],
    [io("neg", T.INT8, [8]), io("abs", T.INT8, [8]), io("u", T.UINT8, [8]), io("wide", T.INT16, [8]), io("h", T.FLOAT16, [8])])
save("i8", g)
with np.errstate(over="ignore"):
    np.save(path("i8.v.npy"), v)
    np.save(path("i8.neg.npy"), -v)
    np.save(path("i8.abs.npy"), np.abs(v))
    np.save(path("i8.u.npy"), v.astype(np.uint8))
    np.save(path("i8.wide.npy"), (v - (-v)).astype(np.int16))
    np.save(path("i8.h.npy"), v.astype(np.float16))

# bf16 (its own generator, so that the draws above stay as they were)
rng = np.random.default_rng(16)
def bf16_bits(a):  # f32 -> bf16 bits, round to nearest even (no NaN here)
    u = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
def bf16_value(bits): return (bits.astype(np.uint32) << 16).view(np.float32)
xb = bf16_bits(rng.uniform(-2, 2, (2, 5)))
xb[0, 0] = 0x8000  # -0
wb = bf16_bits(rng.uniform(-1, 1, (5, 3)))
bb = bf16_bits([0.5, -0.25, 3e38])  # 3e38 + x @ w stays finite in f32 and rounds to bf16 3e38
g = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["s"]),
     helper.make_node("Relu", ["s"], ["y"]), helper.make_node("Cast", ["s"], ["s32"], to=T.FLOAT),
     helper.make_node("Cast", ["s32"], ["back"], to=T.BFLOAT16)],
    "bf16", [io("x", T.BFLOAT16, [2, 5])],
    [io("y", T.BFLOAT16, [2, 3]), io("s32", T.FLOAT, [2, 3]), io("back", T.BFLOAT16, [2, 3])],
    # make_tensor takes bf16 values as floats (exact here) and stores their bits in int32_data.
    [helper.make_tensor("w", T.BFLOAT16, [5, 3], bf16_value(wb).ravel().tolist()),
     helper.make_tensor("b", T.BFLOAT16, [3], bb.tobytes(), raw=True)])
save("bf16", g)
sb = bf16_value(xb) @ bf16_value(wb) + bf16_value(bb)
np.save(path("bf16.in.npy"), xb)
np.save(path("bf16.y.npy"), bf16_bits(np.maximum(sb, 0)))
np.save(path("bf16.s32.npy"), bf16_value(bf16_bits(sb)))  # ONNX rounds s to bf16; graphc does not (docs/dtypes.md)
np.save(path("bf16.back.npy"), bf16_bits(sb))
