#!/usr/bin/python3
# Generates the per-op ONNX test models in ops/: for each case NAME, NAME.onnx, the inputs
# NAME.in<k>.npy and the expected outputs NAME.out<k>.npy, computed here with NumPy (not with
# an ONNX runtime), so the importer is checked against an independent definition.
# Run with Debian's python (numpy + onnx): /usr/bin/python3 gen_op_models.py
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops")
rng = np.random.default_rng(1234)
NP2ONNX = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE, np.int32: TensorProto.INT32, np.int64: TensorProto.INT64,
           np.bool_: TensorProto.BOOL}
erf = np.vectorize(math.erf)


def rand(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def case(name, nodes, inputs, outputs, inits=None, opset=13):
    """inputs: list of (name, array); outputs: list of (name, expected array); inits: name -> array or TensorProto."""
    vi = lambda n, a: helper.make_tensor_value_info(n, NP2ONNX[a.dtype.type], list(a.shape))
    graph = helper.make_graph(nodes, name, [vi(n, a) for n, a in inputs], [vi(n, a) for n, a in outputs],
                              [a if isinstance(a, onnx.TensorProto) else numpy_helper.from_array(a, n)
                               for n, a in (inits or {}).items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    for k, (_, a) in enumerate(inputs):
        np.save(os.path.join(OUT, f"{name}.in{k}.npy"), np.require(a, requirements="C"))  # keeps a 0-d array 0-d
    for k, (_, a) in enumerate(outputs):
        np.save(os.path.join(OUT, f"{name}.out{k}.npy"), np.require(a, requirements="C"))  # keeps a 0-d array 0-d


def node(op, ins, outs, **attrs):
    return helper.make_node(op, ins, outs, name=op.lower() + "_0", **attrs)


def const(name, arr):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(arr), name))


# Gemm: every transA/transB/alpha/beta combination, C absent, [N] or [M, N]; B a weight or an input.
for ta in (0, 1):
    for tb in (0, 1):
        for alpha, beta in ((1.0, 1.0), (0.5, 2.0)):
            for cmode in ("none", "vec", "mat"):
                a, b = rand(3, 4), rand(4, 5)
                A, B = (a.T.copy() if ta else a), (b.T.copy() if tb else b)
                c = {"none": None, "vec": rand(5), "mat": rand(3, 5)}[cmode]
                y = alpha * a @ b + (beta * c if c is not None else 0)
                ins = ["A", "B"] + (["C"] if c is not None else [])
                inits = {"B": B} | ({"C": c} if c is not None else {})
                case(f"gemm_ta{ta}_tb{tb}_a{alpha}_b{beta}_{cmode}",
                     [node("Gemm", ins, ["Y"], transA=ta, transB=tb, alpha=alpha, beta=beta)],
                     [("A", A)], [("Y", y.astype(np.float32))], inits)
a, b = rand(3, 4), rand(5, 4)
case("gemm_b_input", [node("Gemm", ["A", "B"], ["Y"], transB=1)], [("A", a), ("B", b)], [("Y", a @ b.T)])

# Elementwise, unary.
x = rand(2, 3, 4)
xp = rand(2, 3, 4, lo=0.1, hi=2.0)
unary = {
    "Sqrt": (xp, np.sqrt), "Reciprocal": (xp, lambda v: 1 / v), "Exp": (x, np.exp), "Log": (xp, np.log),
    "Neg": (x, np.negative), "Abs": (x, np.abs), "Erf": (x, erf), "Relu": (x, lambda v: np.maximum(v, 0)),
    "Sigmoid": (x, lambda v: 1 / (1 + np.exp(-v))), "Tanh": (x, np.tanh),
}
for op, (inp, f) in unary.items():
    case(f"unary_{op.lower()}", [node(op, ["X"], ["Y"])], [("X", inp)], [("Y", f(inp).astype(np.float32))])
case("leaky_relu_default", [node("LeakyRelu", ["X"], ["Y"])], [("X", x)], [("Y", np.where(x > 0, x, 0.01 * x))])
case("leaky_relu_alpha", [node("LeakyRelu", ["X"], ["Y"], alpha=0.2)], [("X", x)], [("Y", np.where(x > 0, x, 0.2 * x))])
case("elu_default", [node("Elu", ["X"], ["Y"])], [("X", x)], [("Y", np.where(x > 0, x, np.exp(x) - 1).astype(np.float32))])
case("elu_alpha", [node("Elu", ["X"], ["Y"], alpha=0.5)], [("X", x)],
     [("Y", np.where(x > 0, x, 0.5 * (np.exp(x) - 1)).astype(np.float32))])
case("clip_min_max", [const("lo", np.float32(-0.3)), const("hi", np.float32(0.4)), node("Clip", ["X", "lo", "hi"], ["Y"])],
     [("X", x)], [("Y", np.clip(x, -0.3, 0.4))])
case("clip_max_only", [const("hi", np.float32(0.4)), node("Clip", ["X", "", "hi"], ["Y"])], [("X", x)], [("Y", np.minimum(x, 0.4))])
case("clip_none", [node("Clip", ["X"], ["Y"])], [("X", x)], [("Y", x)])

# Elementwise, binary with broadcasting; variadic Min/Max; Where with comparisons.
p, q = rand(2, 3, 4), rand(3, 1)
for op, f in {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}.items():
    case(f"binary_{op.lower()}", [node(op, ["P", "Q"], ["Y"])], [("P", p), ("Q", q)], [("Y", f(p, q).astype(np.float32))])
case("pow_scalar", [const("two", np.float32(2.0)), node("Pow", ["P", "two"], ["Y"])], [("P", p)], [("Y", p ** 2)])
case("pow_tensor", [node("Pow", ["P", "Q"], ["Y"])], [("P", xp[:, :, :1]), ("Q", q)],
     [("Y", (xp[:, :, :1] ** q).astype(np.float32))])
r = rand(4)
case("min3", [node("Min", ["P", "Q", "R"], ["Y"])], [("P", p), ("Q", q), ("R", r)], [("Y", np.minimum(np.minimum(p, q), r))])
case("max3", [node("Max", ["P", "Q", "R"], ["Y"])], [("P", p), ("Q", q), ("R", r)], [("Y", np.maximum(np.maximum(p, q), r))])
for op, f in {"Less": np.less, "Greater": np.greater}.items():
    case(f"where_{op.lower()}", [node(op, ["P", "Q"], ["M"]), node("Where", ["M", "P", "Q"], ["Y"])],
         [("P", p), ("Q", q)], [("Y", np.where(f(p, q), p, q).astype(np.float32))])
pe = np.round(p * 2).astype(np.float32)
case("where_equal", [const("z", np.float32(0.0)), node("Equal", ["P", "z"], ["M"]), node("Where", ["M", "z", "P"], ["Y"])],
     [("P", pe)], [("Y", np.where(pe == 0, 0, pe).astype(np.float32))])


# Softmax family and reductions.
def softmax(v, axis):
    e = np.exp(v - v.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


case("softmax_axis1", [node("Softmax", ["X"], ["Y"], axis=1)], [("X", x)], [("Y", softmax(x, 1))])
case("softmax_default", [node("Softmax", ["X"], ["Y"])], [("X", x)], [("Y", softmax(x, -1))])
case("log_softmax", [node("LogSoftmax", ["X"], ["Y"], axis=-1)], [("X", x)], [("Y", np.log(softmax(x, -1)))])
case("reduce_mean", [node("ReduceMean", ["X"], ["Y"], axes=[1], keepdims=0)], [("X", x)], [("Y", x.mean(axis=1))])
case("reduce_mean_all", [node("ReduceMean", ["X"], ["Y"])], [("X", x)], [("Y", x.mean(keepdims=True))])
case("reduce_sum_axes_input", [const("ax", np.array([0, 2], np.int64)), node("ReduceSum", ["X", "ax"], ["Y"])],
     [("X", x)], [("Y", x.sum(axis=(0, 2), keepdims=True))])
case("reduce_sum_noop", [node("ReduceSum", ["X"], ["Y"], noop_with_empty_axes=1)], [("X", x)], [("Y", x)])
case("reduce_max", [node("ReduceMax", ["X"], ["Y"], axes=[-1], keepdims=1)], [("X", x)], [("Y", x.max(axis=-1, keepdims=True))])

# Movement.
case("reshape_zero_minus1", [const("s", np.array([0, -1], np.int64)), node("Reshape", ["X", "s"], ["Y"])],
     [("X", x)], [("Y", x.reshape(2, 12))])
case("flatten_axis2", [node("Flatten", ["X"], ["Y"], axis=2)], [("X", x)], [("Y", x.reshape(6, 4))])
case("flatten_axis0", [node("Flatten", ["X"], ["Y"], axis=0)], [("X", x)], [("Y", x.reshape(1, 24))])
case("transpose_perm", [node("Transpose", ["X"], ["Y"], perm=[1, 2, 0])], [("X", x)], [("Y", x.transpose(1, 2, 0))])
case("transpose_default", [node("Transpose", ["X"], ["Y"])], [("X", x)], [("Y", x.transpose())])
case("concat", [node("Concat", ["X", "Z"], ["Y"], axis=1)], [("X", x), ("Z", x[:, :2])],
     [("Y", np.concatenate([x, x[:, :2]], axis=1))])
case("split_equal", [node("Split", ["X"], ["A", "B"], axis=2)], [("X", x)], [("A", x[:, :, :2]), ("B", x[:, :, 2:])])
case("split_sizes", [const("s", np.array([1, 2], np.int64)), node("Split", ["X", "s"], ["A", "B"], axis=1)],
     [("X", x)], [("A", x[:, :1]), ("B", x[:, 1:])])
case("slice_steps", [const("st", np.array([-1, 0], np.int64)), const("en", np.array([-10**18, 3], np.int64)),
                     const("ax", np.array([2, 1], np.int64)), const("sp", np.array([-2, 2], np.int64)),
                     node("Slice", ["X", "st", "en", "ax", "sp"], ["Y"])], [("X", x)], [("Y", x[:, 0:3:2, ::-2])])
case("slice_plain", [const("st", np.array([1], np.int64)), const("en", np.array([100], np.int64)),
                     node("Slice", ["X", "st", "en"], ["Y"])], [("X", x)], [("Y", x[1:])])
case("squeeze_axes", [const("ax", np.array([1], np.int64)), node("Squeeze", ["X", "ax"], ["Y"])],
     [("X", x[:, :1])], [("Y", x[:, 0])])
case("squeeze_all", [node("Squeeze", ["X"], ["Y"])], [("X", x[:1, :, :1])], [("Y", x[0, :, 0])])
case("unsqueeze", [const("ax", np.array([0, -1], np.int64)), node("Unsqueeze", ["X", "ax"], ["Y"])],
     [("X", x)], [("Y", x[None, ..., None])])
case("gather_neg_const", [const("i", np.array([[-1, 0]], np.int64)), node("Gather", ["X", "i"], ["Y"], axis=1)],
     [("X", x)], [("Y", x[:, [[2, 0]]])])
case("gather_runtime", [node("Gather", ["X", "I"], ["Y"], axis=0)], [("X", x), ("I", np.array([1, 0, 1], np.int64))],
     [("Y", x[[1, 0, 1]])])
case("expand", [const("s", np.array([2, 3, 4], np.int64)), node("Expand", ["X", "s"], ["Y"])],
     [("X", q)], [("Y", np.broadcast_to(q, (2, 3, 4)).copy())])
# The sub-graph exporters emit for x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
case("shape_chain", [node("Shape", ["X"], ["s"]), const("i0", np.array(0, np.int64)),
                     helper.make_node("Gather", ["s", "i0"], ["n"], axis=0), const("ax", np.array([0], np.int64)),
                     helper.make_node("Unsqueeze", ["n", "ax"], ["n1"]), const("m1", np.array([-1], np.int64)),
                     helper.make_node("Concat", ["n1", "m1"], ["shape"], axis=0), helper.make_node("Reshape", ["X", "shape"], ["Y"])],
     [("X", x)], [("Y", x.reshape(2, -1))])
case("shape_start_end", [node("Shape", ["X"], ["s"], start=1), helper.make_node("ConstantOfShape", ["s"], ["z"],
                         value=numpy_helper.from_array(np.array([0.5], np.float32))), helper.make_node("Add", ["z", "X"], ["Y"])],
     [("X", x)], [("Y", x + 0.5)], opset=15)
case("range_cast", [const("a", np.array(0, np.int64)), const("b", np.array(4, np.int64)), const("d", np.array(1, np.int64)),
                    node("Range", ["a", "b", "d"], ["r"]), helper.make_node("Cast", ["r"], ["rf"], to=TensorProto.FLOAT),
                    helper.make_node("Add", ["X", "rf"], ["Y"])], [("X", x)], [("Y", x + np.arange(4, dtype=np.float32))])
case("cast_runtime", [node("Cast", ["X"], ["Y"], to=TensorProto.INT64)], [("X", x * 3)], [("Y", (x * 3).astype(np.int64))])
case("identity_dropout", [node("Identity", ["X"], ["t"]), helper.make_node("Dropout", ["t"], ["Y"])], [("X", x)], [("Y", x)])
w45 = rand(4, 5)
case("matmul_weight", [node("MatMul", ["X", "W"], ["Y"])], [("X", x)], [("Y", x @ w45)], {"W": w45})


# Convolution and pooling (NCHW), with NumPy reference loops.
def conv_ref(xx, ww, bb, stride, pads, dil=(1, 1), group=1):
    n, ci, h, w_ = xx.shape
    co, cig, kh, kw = ww.shape
    xp_ = np.pad(xx, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dil[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (w_ + pads[1] + pads[3] - dil[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, co, oh, ow), np.float64)
    cog = co // group
    for o in range(co):
        g = o // cog
        for i in range(oh):
            for j in range(ow):
                patch = xp_[:, g * cig:(g + 1) * cig, i * stride[0]:i * stride[0] + dil[0] * (kh - 1) + 1:dil[0],
                            j * stride[1]:j * stride[1] + dil[1] * (kw - 1) + 1:dil[1]]
                out[:, o, i, j] = (patch * ww[o]).sum(axis=(1, 2, 3)) + (bb[o] if bb is not None else 0)
    return out.astype(np.float32)


xi = rand(2, 4, 7, 6)
wc, bc = rand(6, 4, 3, 3), rand(6)
case("conv_pads", [node("Conv", ["X", "W", "B"], ["Y"], pads=[1, 0, 2, 1], strides=[2, 1])], [("X", xi)],
     [("Y", conv_ref(xi, wc, bc, (2, 1), (1, 0, 2, 1)))], {"W": wc, "B": bc})
case("conv_nobias_dil", [node("Conv", ["X", "W"], ["Y"], dilations=[2, 1])], [("X", xi)],
     [("Y", conv_ref(xi, wc, None, (1, 1), (0, 0, 0, 0), (2, 1)))], {"W": wc})
wg = rand(6, 2, 3, 3)
case("conv_group", [node("Conv", ["X", "W", "B"], ["Y"], group=2, pads=[1, 1, 1, 1])], [("X", xi)],
     [("Y", conv_ref(xi, wg, bc, (1, 1), (1, 1, 1, 1), group=2))], {"W": wg, "B": bc})
for mode in ("SAME_UPPER", "SAME_LOWER", "VALID"):
    s = (2, 2)
    if mode == "VALID":
        pads = (0, 0, 0, 0)
    else:
        tot = [max((-(-xi.shape[2 + d] // s[d]) - 1) * s[d] + 3 - xi.shape[2 + d], 0) for d in range(2)]
        lo = [t // 2 if mode == "SAME_UPPER" else t - t // 2 for t in tot]
        pads = (lo[0], lo[1], tot[0] - lo[0], tot[1] - lo[1])
    case(f"conv_{mode.lower()}", [node("Conv", ["X", "W", "B"], ["Y"], auto_pad=mode, strides=list(s))], [("X", xi)],
         [("Y", conv_ref(xi, wc, bc, s, pads))], {"W": wc, "B": bc})


def pool_ref(xx, k, stride, pads, kind, count_pad=False):
    n, c, h, w_ = xx.shape
    fill = -np.inf if kind == "max" else 0.0
    xp_ = np.pad(xx, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=fill)
    ones = np.pad(np.ones((h, w_)), ((pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - k[0]) // stride[0] + 1
    ow = (w_ + pads[1] + pads[3] - k[1]) // stride[1] + 1
    out = np.zeros((n, c, oh, ow), np.float64)
    for i in range(oh):
        for j in range(ow):
            win = xp_[:, :, i * stride[0]:i * stride[0] + k[0], j * stride[1]:j * stride[1] + k[1]]
            if kind == "max":
                out[:, :, i, j] = win.max(axis=(2, 3))
            else:
                cnt = k[0] * k[1] if count_pad else ones[i * stride[0]:i * stride[0] + k[0], j * stride[1]:j * stride[1] + k[1]].sum()
                out[:, :, i, j] = win.sum(axis=(2, 3)) / cnt
    return out.astype(np.float32)


case("maxpool", [node("MaxPool", ["X"], ["Y"], kernel_shape=[2, 2], strides=[2, 2])], [("X", xi)],
     [("Y", pool_ref(xi, (2, 2), (2, 2), (0, 0, 0, 0), "max"))])
case("maxpool_pads", [node("MaxPool", ["X"], ["Y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])], [("X", xi)],
     [("Y", pool_ref(xi, (3, 3), (1, 1), (1, 1, 1, 1), "max"))])
case("avgpool_pads", [node("AveragePool", ["X"], ["Y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])], [("X", xi)],
     [("Y", pool_ref(xi, (3, 3), (2, 2), (1, 1, 1, 1), "avg"))])
case("avgpool_count_pad", [node("AveragePool", ["X"], ["Y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)],
     [("X", xi)], [("Y", pool_ref(xi, (3, 3), (1, 1), (1, 1, 1, 1), "avg", True))])
case("global_avgpool", [node("GlobalAveragePool", ["X"], ["Y"])], [("X", xi)], [("Y", xi.mean(axis=(2, 3), keepdims=True))])

sc, bi, mu, var = rand(4), rand(4), rand(4), rand(4, lo=0.5, hi=1.5)
bn = (xi - mu[:, None, None]) / np.sqrt(var[:, None, None] + 1e-3) * sc[:, None, None] + bi[:, None, None]
case("batchnorm", [node("BatchNormalization", ["X", "s", "b", "m", "v"], ["Y"], epsilon=1e-3)], [("X", xi)],
     [("Y", bn.astype(np.float32))], {"s": sc, "b": bi, "m": mu, "v": var})
g2, b2 = rand(3, 4), rand(3, 4)
mean = x.mean(axis=(1, 2), keepdims=True)
ln = (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=(1, 2), keepdims=True) + 1e-5) * g2 + b2
case("layernorm_axis1", [node("LayerNormalization", ["X", "g", "b"], ["Y"], axis=1)], [("X", x)],
     [("Y", ln.astype(np.float32))], {"g": g2, "b": b2}, opset=17)
mean = x.mean(axis=-1, keepdims=True)
ln = (x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + 1e-5) * g2[0]
case("layernorm_nobias", [node("LayerNormalization", ["X", "g"], ["Y"])], [("X", x)], [("Y", ln.astype(np.float32))],
     {"g": g2[0].copy()}, opset=17)


# Integer operands at the edges of int64 (INT64_MAX is what torch.onnx writes for "to the end"),
# each given three ways: Constant nodes, int64 initializers in raw_data, and int64 initializers
# in the int64_data field, which the reader takes through another path.
I64_MIN, I64_MAX = np.iinfo(np.int64).min, np.iinfo(np.int64).max


def int_operands(how, named):
    """(nodes, inits) that define each name of `named` (name -> list of ints) as an int64 tensor."""
    arrays = {n: np.array(v, np.int64) for n, v in named.items()}
    if how == "const":
        return [const(n, a) for n, a in arrays.items()], {}
    if how == "raw":
        return [], arrays
    return [], {n: helper.make_tensor(n, TensorProto.INT64, a.shape, a.tolist()) for n, a in arrays.items()}


xe = rand(2, 3, 4)
x4 = rand(2, 1, 3, 1)
x7 = rand(2, 7)
int_cases = [
    ("slice_int64_max", {"st": [1], "en": [I64_MAX], "ax": [1]}, ["X", "st", "en", "ax"], "Slice", {}, xe, [xe[:, 1:]]),
    ("slice_tail_int64_max", {"st": [-3], "en": [I64_MAX], "ax": [-1]}, ["X", "st", "en", "ax"], "Slice", {}, xe,
     [xe[..., -3:]]),
    ("slice_flip_int64_min", {"st": [-1], "en": [I64_MIN], "ax": [2], "sp": [-1]}, ["X", "st", "en", "ax", "sp"], "Slice", {},
     xe, [xe[:, :, ::-1]]),
    ("slice_extremes", {"st": [I64_MIN, I64_MAX], "en": [I64_MAX, I64_MIN], "ax": [0, -1], "sp": [1, -2]},
     ["X", "st", "en", "ax", "sp"], "Slice", {}, xe, [xe[:, :, ::-2]]),
    ("slice_step_int64_min", {"st": [I64_MAX], "en": [I64_MIN], "ax": [1], "sp": [I64_MIN]},
     ["X", "st", "en", "ax", "sp"], "Slice", {}, xe, [xe[:, 2:3]]),
    ("slice_step_int64_max", {"st": [I64_MIN], "en": [I64_MAX], "ax": [2], "sp": [I64_MAX]},
     ["X", "st", "en", "ax", "sp"], "Slice", {}, xe, [xe[:, :, 0:1]]),
    ("reshape_zero_minus1_mid", {"s": [0, -1, 2]}, ["X", "s"], "Reshape", {}, xe, [xe.reshape(2, 6, 2)]),
    ("squeeze_neg_axes", {"ax": [-1, -3]}, ["X", "ax"], "Squeeze", {}, x4, [x4.reshape(2, 3)]),
    ("unsqueeze_neg_axes", {"ax": [-1, 0]}, ["X", "ax"], "Unsqueeze", {}, x7, [x7[None, :, :, None]]),
    ("split_sizes_int64", {"s": [2, 0, 5]}, ["X", "s"], "Split", {"axis": -1}, x7, [x7[:, :2], x7[:, 2:2], x7[:, 2:]]),
]
for name, named, ins, op, attrs, xin, outs in int_cases:
    for how in ("const", "raw", "fields"):
        nodes, inits = int_operands(how, named)
        out_names = [f"Y{k}" for k in range(len(outs))]
        case(f"int64_{name}_{how}", nodes + [node(op, ins, out_names, **attrs)], [("X", xin)],
             list(zip(out_names, [np.ascontiguousarray(o) for o in outs])), inits)
# A Constant given as value_ints (an attribute list, not a tensor).
case("int64_slice_value_ints", [helper.make_node("Constant", [], ["st"], value_ints=[1]),
                                helper.make_node("Constant", [], ["en"], value_ints=[I64_MAX]),
                                node("Slice", ["X", "st", "en"], ["Y"])], [("X", xe)], [("Y", xe[1:])])
# Range and ConstantOfShape on int64 values next to INT64_MAX: exact only when computed in integers.
x23 = rand(2, 3)
case("int64_range_near_max", [const("a", np.array(I64_MAX - 3, np.int64)), const("b", np.array(I64_MAX, np.int64)),
                              const("d", np.array(1, np.int64)), node("Range", ["a", "b", "d"], ["r"]),
                              helper.make_node("Sub", ["r", "a"], ["k"]), helper.make_node("Cast", ["k"], ["kf"], to=TensorProto.FLOAT),
                              helper.make_node("Add", ["X", "kf"], ["Y"])], [("X", x23)], [("Y", x23 + np.arange(3, dtype=np.float32))])
case("int64_constant_of_shape_max", [const("s", np.array([3], np.int64)),
                                     helper.make_node("ConstantOfShape", ["s"], ["m"], value=numpy_helper.from_array(np.array([I64_MAX], np.int64))),
                                     const("m1", np.array(I64_MAX - 2, np.int64)), helper.make_node("Sub", ["m", "m1"], ["k"]),
                                     helper.make_node("Cast", ["k"], ["kf"], to=TensorProto.FLOAT), helper.make_node("Add", ["X", "kf"], ["Y"])],
     [("X", x23)], [("Y", x23 + 2)])
# HardSigmoid, HardSwish and Pad, with their own generator so that the cases above keep their values.
rng = np.random.default_rng(20261206)
x = rand(2, 3, 4, lo=-5.0, hi=5.0)
case("hard_sigmoid_default", [node("HardSigmoid", ["X"], ["Y"])], [("X", x)], [("Y", np.clip(0.2 * x + 0.5, 0, 1))])
case("hard_sigmoid_attrs", [node("HardSigmoid", ["X"], ["Y"], alpha=0.3, beta=0.6)], [("X", x)],
     [("Y", np.clip(0.3 * x + 0.6, 0, 1))])
case("hard_swish", [node("HardSwish", ["X"], ["Y"])], [("X", x)], [("Y", x * np.clip(x / 6 + 0.5, 0, 1))], opset=14)
xi = rand(1, 2, 4, 5)
pads = np.array([0, 0, 1, 2, 0, 1, 2, 0], dtype=np.int64)
case("pad_constant_value", [node("Pad", ["X", "pads", "v"], ["Y"])], [("X", xi)],
     [("Y", np.pad(xi, ((0, 0), (0, 1), (1, 2), (2, 0)), constant_values=0.5))],
     {"pads": pads, "v": np.array(0.5, dtype=np.float32)})
case("pad_default_zero", [node("Pad", ["X", "pads"], ["Y"])], [("X", xi)], [("Y", np.pad(xi, ((0, 0), (0, 1), (1, 2), (2, 0))))],
     {"pads": pads})
for mode in ("reflect", "edge"):
    case(f"pad_{mode}", [node("Pad", ["X", "pads"], ["Y"], mode=mode)], [("X", xi)],
         [("Y", np.pad(xi, ((0, 0), (0, 1), (1, 2), (2, 0)), mode=mode))], {"pads": pads}, opset=13)
# Negative pads crop, in constant mode together with padding on the same axis.
case("pad_negative_crops", [node("Pad", ["X", "pads"], ["Y"])], [("X", xi)],
     [("Y", np.pad(xi, ((0, 0), (0, 0), (0, 2), (0, 0)))[:, :, 1:, :-2])],
     {"pads": np.array([0, 0, -1, 0, 0, 0, 2, -2], dtype=np.int64)})

# Opsets 7 to 12: the attributes that opsets 10, 11 and 13 turned into inputs, and Softmax's
# older flatten-to-2-D rule (default axis 1), each against NumPy.
rng = np.random.default_rng(7)


def softmax_rows(a):
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


x = rand(3, 1, 4)
case("legacy_squeeze_op11", [node("Squeeze", ["X"], ["Y"], axes=[1])], [("X", x)], [("Y", x.squeeze(1))], opset=11)
x = rand(3, 4)
case("legacy_unsqueeze_op11", [node("Unsqueeze", ["X"], ["Y"], axes=[0, 3])], [("X", x)],
     [("Y", np.expand_dims(x, (0, 3)))], opset=11)
x = rand(2, 3, 4)
case("legacy_reducesum_op11", [node("ReduceSum", ["X"], ["Y"], axes=[1], keepdims=0)], [("X", x)],
     [("Y", x.sum(axis=1))], opset=11)
x = rand(2, 4)
case("legacy_split_op11", [node("Split", ["X"], ["A", "B"], axis=1, split=[1, 3])], [("X", x)],
     [("A", x[:, :1]), ("B", x[:, 1:])], opset=11)
x = rand(3, 5)
case("legacy_clip_op10", [node("Clip", ["X"], ["Y"], min=-0.2, max=0.3)], [("X", x)], [("Y", np.clip(x, -0.2, 0.3))], opset=10)
case("legacy_clip_max_op6", [node("Clip", ["X"], ["Y"], max=0.3)], [("X", x)], [("Y", np.minimum(x, 0.3))], opset=7)
x = rand(2, 3)
case("legacy_pad_op10", [node("Pad", ["X"], ["Y"], pads=[0, 1, 0, 2], value=1.5)], [("X", x)],
     [("Y", np.pad(x, ((0, 0), (1, 2)), constant_values=1.5))], opset=10)
case("legacy_pad_reflect_op9", [node("Pad", ["X"], ["Y"], pads=[1, 1, 1, 1], mode="reflect")], [("X", x)],
     [("Y", np.pad(x, ((1, 1), (1, 1)), mode="reflect"))], opset=9)
x = rand(3, 4)
case("legacy_slice_op9", [node("Slice", ["X"], ["Y"], starts=[0, 1], ends=[2, 1000], axes=[0, 1])], [("X", x)],
     [("Y", x[0:2, 1:])], opset=9)
case("legacy_slice_noaxes_op9", [node("Slice", ["X"], ["Y"], starts=[1, -3], ends=[3, -1])], [("X", x)],
     [("Y", x[1:3, -3:-1])], opset=9)
x = rand(2, 3, 4, lo=-3.0, hi=3.0)
case("legacy_softmax_op12", [node("Softmax", ["X"], ["Y"])], [("X", x)],
     [("Y", softmax_rows(x.reshape(2, 12)).reshape(2, 3, 4))], opset=12)
case("legacy_logsoftmax_axis0_op11", [node("LogSoftmax", ["X"], ["Y"], axis=0)], [("X", x)],
     [("Y", np.log(softmax_rows(x.reshape(1, 24))).reshape(2, 3, 4))], opset=11)
case("legacy_softmax_last_axis_op11", [node("Softmax", ["X"], ["Y"], axis=-1)], [("X", x)],
     [("Y", softmax_rows(x.reshape(6, 4)).reshape(2, 3, 4))], opset=11)
a, b = rand(2, 3), rand(3)
case("legacy_add_relu_op7", [node("Add", ["A", "B"], ["S"]), node("Relu", ["S"], ["Y"])], [("A", a)],
     [("Y", np.maximum(a + b, 0))], {"B": b}, opset=7)
# Below opset 7 binary ops broadcast by the `broadcast` and `axis` attributes, and Upsample 7
# names linear `bilinear`; ONNX's version converter rewrites both into opset 13's form. (An axis
# that does not align B with A's trailing axes is refused: the converter of ONNX 1.12 gets it wrong.)
own = np.random.default_rng(6)  # its own stream, so the cases after these keep their data
a, b, c = (own.uniform(-1, 1, s).astype(np.float32) for s in ((2, 3, 4), (3, 4), (4,)))
case("legacy_add_broadcast_axis_op6", [node("Add", ["A", "B"], ["Y"], broadcast=1, axis=1)], [("A", a), ("B", b)],
     [("Y", a + b)], opset=6)
case("legacy_mul_broadcast_tail_op6", [node("Mul", ["A", "C"], ["Y"], broadcast=1)], [("A", a), ("C", c)],
     [("Y", a * c)], opset=6)
x = own.uniform(-1, 1, (1, 2, 2, 3)).astype(np.float32)
def upsample_linear_asymmetric(x, axis, scale):
    n = x.shape[axis]
    pos = np.arange(n * scale) / scale
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    w = (pos - lo).reshape([-1 if d == axis else 1 for d in range(x.ndim)])
    return np.take(x, lo, axis) * (1 - w) + np.take(x, hi, axis) * w
case("legacy_upsample_bilinear_op7", [node("Upsample", ["X"], ["Y"], mode="bilinear", scales=[1.0, 1.0, 2.0, 2.0])], [("X", x)],
     [("Y", upsample_linear_asymmetric(upsample_linear_asymmetric(x, 2, 2), 3, 2).astype(np.float32))], opset=7)

# Reductions that the importer composes of reduce_max or reduce_sum and elementwise ops.
rng = np.random.default_rng(8)
x = rand(3, 4, 5)
case("reduce_min_axes", [node("ReduceMin", ["X"], ["Y"], axes=[0, 2], keepdims=0)], [("X", x)], [("Y", x.min(axis=(0, 2)))])
case("reduce_sum_square", [node("ReduceSumSquare", ["X"], ["Y"], axes=[1])], [("X", x)],
     [("Y", (x * x).sum(axis=1, keepdims=True))])
case("reduce_l1_all", [node("ReduceL1", ["X"], ["Y"])], [("X", x)], [("Y", np.abs(x).sum(keepdims=True))])
case("reduce_l2", [node("ReduceL2", ["X"], ["Y"], axes=[-1])], [("X", x)],
     [("Y", np.sqrt((x * x).sum(axis=-1, keepdims=True)))])
xp = rand(3, 4, 5, lo=0.1, hi=2.0)
case("reduce_log_sum", [node("ReduceLogSum", ["X"], ["Y"], axes=[1], keepdims=0)], [("X", xp)], [("Y", np.log(xp.sum(axis=1)))])
# Large logits (exp overflows f32 unless shifted by the max) and rows of infinities.
xl = (rand(4, 6) * 50 + 80).astype(np.float32)
xl[1, :] = -np.inf
xl[2, 3] = np.inf
with np.errstate(invalid="ignore", over="ignore"):
    m = xl.max(axis=1, keepdims=True)
    shift = np.where(np.isfinite(m), m, 0).astype(np.float64)
    lse = (np.log(np.exp(xl.astype(np.float64) - shift).sum(axis=1, keepdims=True)) + shift).astype(np.float32)
case("reduce_log_sum_exp_large", [node("ReduceLogSumExp", ["X"], ["Y"], axes=[1], keepdims=0)], [("X", xl)],
     [("Y", lse.reshape(4))])

# ArgMax and ArgMin, composed by the importer: ties (first, or last with select_last_index),
# NaN (it wins, as in NumPy), negative axes, keepdims 0, and int64 at its extremes.
def last_index(f, a, axis):
    flipped = np.flip(a, axis=axis)
    return (a.shape[axis] - 1 - f(flipped, axis=axis)).astype(np.int64)


xt = np.array([[1, 3, 3, -2], [0, 0, 0, 0], [5, np.nan, 2, np.nan], [-np.inf, -1, -np.inf, 7]], dtype=np.float32)
case("argmax_ties_nan", [node("ArgMax", ["X"], ["Y"], axis=1)], [("X", xt)],
     [("Y", np.argmax(xt, axis=1).astype(np.int64).reshape(4, 1))])
case("argmin_ties_nan_axis0", [node("ArgMin", ["X"], ["Y"], axis=0, keepdims=0)], [("X", xt)],
     [("Y", np.argmin(xt, axis=0).astype(np.int64))])
case("argmax_last_index", [node("ArgMax", ["X"], ["Y"], axis=-1, keepdims=0, select_last_index=1)], [("X", xt[:2])],
     [("Y", last_index(np.argmax, xt[:2], -1))])
x3 = rand(2, 3, 5)
case("argmin_3d_last_index", [node("ArgMin", ["X"], ["Y"], axis=-2, select_last_index=1)], [("X", x3)],
     [("Y", np.expand_dims(last_index(np.argmin, x3, 1), 1))])
xi = np.array([[np.iinfo(np.int64).min, 4, np.iinfo(np.int64).max], [7, 7, -9]], dtype=np.int64)
case("argmin_int64_extremes", [node("ArgMin", ["X"], ["Y"], axis=1, keepdims=0)], [("X", xi)], [("Y", np.argmin(xi, axis=1).astype(np.int64))])
case("argmax_int64_extremes", [node("ArgMax", ["X"], ["Y"], axis=1, keepdims=0)], [("X", xi)], [("Y", np.argmax(xi, axis=1).astype(np.int64))])


# NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, composed by the importer. The loss picks
# input[n, target, d...]; a NaN or infinity at a class not picked must not reach it, an ignored
# position counts 0 (whatever the input holds there), and a mean divides by the picked weights.
def nll(x, t, w=None, reduction="mean", ignore=None):
    xs = np.moveaxis(x, 1, -1)  # [N, d..., C]
    keep = np.ones(t.shape, dtype=bool) if ignore is None else t != ignore
    safe = np.where(keep, t, 0)
    picked = np.take_along_axis(xs, safe[..., None], axis=-1)[..., 0]
    weight = np.ones(t.shape, np.float32) if w is None else w[safe]
    weight = np.where(keep, weight, 0).astype(np.float32)
    loss = np.where(keep, -picked * weight, 0).astype(np.float32)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.array(loss.sum(), np.float32)
    if w is None and ignore is None:
        return np.array(loss.mean(), np.float32)
    return np.array(loss.sum() / weight.sum(), np.float32)


def log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return (shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))).astype(np.float32)


xl = rand(3, 5, 2)
tl = np.array([[0, 2], [4, 2], [1, 3]], dtype=np.int64)
wl = rng.uniform(0.5, 2, size=5).astype(np.float32)
case("nll_weight_ignore_mean", [node("NegativeLogLikelihoodLoss", ["X", "T", "W"], ["L"], ignore_index=2)],
     [("X", xl), ("T", tl)], [("L", nll(xl, tl, wl, "mean", 2))], inits={"W": wl})
xn = np.array([[np.nan, 0.5, np.inf], [-0.25, -np.inf, np.nan], [1.5, 2.0, -1.0], [np.inf, np.nan, 7.0]], np.float32)
tn = np.array([1, 0, 2, 1], dtype=np.int64)  # the last picks a NaN, which must stay
case("nll_none_nonfinite_elsewhere", [node("NegativeLogLikelihoodLoss", ["X", "T"], ["L"], reduction="none")],
     [("X", xn), ("T", tn)], [("L", -np.array([0.5, -0.25, -1.0, np.nan], np.float32))])
case("nll_sum_ignored_inf", [node("NegativeLogLikelihoodLoss", ["X", "T"], ["L"], reduction="sum", ignore_index=0)],
     [("X", xn[:3]), ("T", np.array([1, 0, 2], dtype=np.int64))], [("L", np.array(-(0.5 - 1.0), np.float32))])
xs = rand(2, 4, 3, lo=-3, hi=3)
ts = np.array([[0, 3, -100], [2, -100, 1]], dtype=np.int64)  # torch's default ignore_index
case("sce_ignore_mean_log_prob", [node("SoftmaxCrossEntropyLoss", ["X", "T"], ["L", "P"], ignore_index=-100)],
     [("X", xs), ("T", ts)], [("L", nll(log_softmax(xs, 1), ts, None, "mean", -100)), ("P", log_softmax(xs, 1))])
x2 = rand(6, 10, lo=-4, hi=4)
t2 = rng.integers(0, 10, size=6).astype(np.int64)
case("sce_2d_sum", [node("SoftmaxCrossEntropyLoss", ["X", "T"], ["L"], reduction="sum")], [("X", x2), ("T", t2)],
     [("L", nll(log_softmax(x2, 1), t2, None, "sum"))])

# ThresholdedRelu, IsInf and Hardmax, composed by the importer, at NaN and the infinities.
xe = np.array([[np.nan, -np.inf, np.inf, 0.5], [1.0, 1.5, -2.0, np.nan], [3.0, 3.0, -1.0, 2.0]], np.float32)
case("thresholded_relu_nan", [node("ThresholdedRelu", ["X"], ["Y"], alpha=1.0)], [("X", xe)],
     [("Y", np.where((xe > 1.0) | np.isnan(xe), xe, 0).astype(np.float32))])
case("isinf_both", [node("IsInf", ["X"], ["Y"])], [("X", xe)], [("Y", np.isinf(xe))])
case("isinf_negative_only", [node("IsInf", ["X"], ["Y"], detect_positive=0)], [("X", xe)], [("Y", np.isneginf(xe))])
case("isinf_neither", [node("IsInf", ["X"], ["Y"], detect_positive=0, detect_negative=0)], [("X", xe)],
     [("Y", np.zeros(xe.shape, bool))])


def hardmax(x, axis):
    return (np.arange(x.shape[axis]).reshape([-1 if d == axis % x.ndim else 1 for d in range(x.ndim)])
            == np.expand_dims(np.argmax(x, axis=axis), axis)).astype(x.dtype)


case("hardmax_ties_nan", [node("Hardmax", ["X"], ["Y"])], [("X", xe)], [("Y", hardmax(xe, -1))])
xh = rand(2, 3, 4)
case("hardmax_axis1", [node("Hardmax", ["X"], ["Y"], axis=1)], [("X", xh)], [("Y", hardmax(xh, 1))])

# CumSum (a log-step prefix sum in the importer): an infinity or NaN reaches only the positions
# after it (before it, with reverse), exclusive and reverse, and int64 exactly.
def cumsum(x, axis, exclusive=False, reverse=False):
    xs = np.moveaxis(x.astype(np.float64) if x.dtype.kind == "f" else x, axis, -1)
    out = np.zeros_like(xs)
    order = range(xs.shape[-1] - 1, -1, -1) if reverse else range(xs.shape[-1])
    acc = np.zeros(xs.shape[:-1], xs.dtype)
    for j in order:
        if exclusive:
            out[..., j] = acc
            acc = acc + xs[..., j]
        else:
            acc = acc + xs[..., j]
            out[..., j] = acc
    return np.moveaxis(out, -1, axis).astype(x.dtype)


xc = np.array([[1, 2, np.inf, 4, 5, 6, 7], [np.nan, 1, 1, 1, -np.inf, 1, 1]], np.float32)
case("cumsum_nonfinite", [node("CumSum", ["X", "A"], ["Y"])], [("X", xc)], [("Y", cumsum(xc, 1))],
     inits={"A": np.array(1, np.int64)})
case("cumsum_nonfinite_exclusive_reverse", [node("CumSum", ["X", "A"], ["Y"], exclusive=1, reverse=1)], [("X", xc)],
     [("Y", cumsum(xc, 1, True, True))], inits={"A": np.array(-1, np.int64)})
xci = rng.integers(-10**15, 10**15, size=(9, 2)).astype(np.int64)
case("cumsum_int64_axis0_exclusive", [node("CumSum", ["X", "A"], ["Y"], exclusive=1)], [("X", xci)],
     [("Y", cumsum(xci, 0, True))], inits={"A": np.array(0, np.int64)})

# OneHot (composed): negative indices count from depth, out-of-range ones hit nothing, any axis.
io = np.array([[0, -1, 4], [7, 2, -5]], np.int64)
vo = np.array([-2.0, 3.5], np.float32)


def onehot(indices, depth, values, axis):
    wrapped = np.where(indices < 0, indices + depth, indices)
    hit = np.expand_dims(wrapped, axis) == np.arange(depth).reshape([-1 if d == axis % (indices.ndim + 1) else 1
                                                                     for d in range(indices.ndim + 1)])
    return np.where(hit, values[1], values[0]).astype(values.dtype)


case("onehot_negative_out_of_range", [node("OneHot", ["I", "D", "V"], ["Y"])], [("I", io)], [("Y", onehot(io, 5, vo, -1))],
     inits={"D": np.array(5, np.int64), "V": vo})
case("onehot_axis0_float_depth", [node("OneHot", ["I", "D", "V"], ["Y"], axis=0)], [("I", io)], [("Y", onehot(io, 5, vo, 0))],
     inits={"D": np.array(5.7, np.float32), "V": vo})

# Dropout at inference: the output is x and the mask all true.
xd = rand(3, 4)
case("dropout_mask_inference", [node("Dropout", ["X"], ["Y", "M"])], [("X", xd)], [("Y", xd), ("M", np.ones((3, 4), bool))])

# GatherElements (a one-hot select in the importer): negative indices, indices smaller than data
# on the other axes, a NaN and an infinity in data that only the gathered positions may carry.
dg = np.array([[1, np.nan, 3, 4], [np.inf, 6, 7, 8], [9, 10, -np.inf, 12]], np.float32)
ig = np.array([[2, -1, 0], [0, 1, -3]], np.int64)
case("gather_elements_axis0_nonfinite", [node("GatherElements", ["D", "I"], ["Y"], axis=0)], [("D", dg), ("I", ig)],
     [("Y", np.take_along_axis(dg[:, :3], np.where(ig < 0, ig + 3, ig), axis=0))])
ig1 = np.array([[3, 0], [-4, 1], [2, 2]], np.int64)
case("gather_elements_axis1", [node("GatherElements", ["D", "I"], ["Y"], axis=-1)], [("D", dg), ("I", ig1)],
     [("Y", np.take_along_axis(dg, np.where(ig1 < 0, ig1 + 4, ig1), axis=1))])
di = rng.integers(-2**40, 2**40, size=(2, 3, 4)).astype(np.int64)
ii = rng.integers(-3, 3, size=(2, 2, 4)).astype(np.int64)
case("gather_elements_int64_3d", [node("GatherElements", ["D", "I"], ["Y"], axis=1)], [("D", di), ("I", ii)],
     [("Y", np.take_along_axis(di[:, :3], np.where(ii < 0, ii + 3, ii), axis=1))])

# Activations the importer composes: ONNX's definitions at extreme values, NaN and +-inf (a
# softplus that overflows exp gives x, not inf), and PRelu's per-channel slope.
act = np.random.default_rng(21)
xa = np.concatenate([act.uniform(-5, 5, 10), [0.0, -0.0, 100.0, -100.0, 1e30, -1e30, np.inf, -np.inf, np.nan, 1e-30]]).astype(np.float32).reshape(4, 5)
with np.errstate(over="ignore", invalid="ignore"):
    softplus = np.logaddexp(np.float32(0), xa)
    case("softplus_extremes", [node("Softplus", ["X"], ["Y"])], [("X", xa)], [("Y", softplus)])
    case("softsign_extremes", [node("Softsign", ["X"], ["Y"])], [("X", xa)], [("Y", xa / (1 + np.abs(xa)))])
    selu = np.where(xa > 0, xa, 1.67326319217681884765625 * (np.exp(xa) - 1)) * np.float32(1.05070102214813232421875)
    case("selu_extremes", [node("Selu", ["X"], ["Y"])], [("X", xa)], [("Y", selu.astype(np.float32))])
    celu = np.maximum(0, xa) + np.minimum(0, 0.5 * (np.exp(xa / 0.5) - 1))
    case("celu_alpha", [node("Celu", ["X"], ["Y"], alpha=0.5)], [("X", xa)], [("Y", celu.astype(np.float32))])
    shrink = np.where(xa < -1.5, xa + 0.5, np.where(xa > 1.5, xa - 0.5, 0)).astype(np.float32)
    case("shrink_bias", [node("Shrink", ["X"], ["Y"], lambd=1.5, bias=0.5)], [("X", xa)], [("Y", shrink)])
xs = np.array([[-7, -2, -1, 0, 1, 2, 9]], np.int64)
case("shrink_int64", [node("Shrink", ["X"], ["Y"], lambd=1.5)], [("X", xs)], [("Y", np.where(xs < -1.5, xs, np.where(xs > 1.5, xs, 0)))])
xp = act.uniform(-3, 3, (2, 3, 4, 5)).astype(np.float32)
xp[0, 0, 0, :3] = [np.nan, -np.inf, np.inf]
slope = act.uniform(0, 0.5, (3, 1, 1)).astype(np.float32)
case("prelu_channel_slope", [node("PRelu", ["X", "S"], ["Y"])], [("X", xp)], [("Y", np.where(xp < 0, xp * slope, xp))], {"S": slope})
xpi = act.integers(-50, 50, (3, 4)).astype(np.int32)
case("prelu_int32", [node("PRelu", ["X", "S"], ["Y"])], [("X", xpi), ("S", np.array([2], np.int32))], [("Y", np.where(xpi < 0, xpi * 2, xpi))],
     opset=16)

# Rearrangements: Tile (a zero repeat, 1-D and 3-D), DepthToSpace in both modes, SpaceToDepth.
xt3 = act.uniform(-1, 1, (2, 1, 3)).astype(np.float32)
case("tile_3d", [node("Tile", ["X", "R"], ["Y"])], [("X", xt3)], [("Y", np.tile(xt3, (1, 4, 2)))], {"R": np.array([1, 4, 2], np.int64)})
case("tile_zero", [node("Tile", ["X", "R"], ["Y"])], [("X", xt3)], [("Y", np.tile(xt3, (2, 0, 1)))], {"R": np.array([2, 0, 1], np.int64)})
xd2s = act.uniform(-1, 1, (2, 8, 3, 2)).astype(np.float32)
def depth_to_space(x, b, mode):
    n, c, h, w = x.shape
    if mode == "DCR":
        return x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c // (b * b), h * b, w * b)
    return x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c // (b * b), h * b, w * b)
for mode in ("DCR", "CRD"):
    case(f"depth_to_space_{mode.lower()}", [node("DepthToSpace", ["X"], ["Y"], blocksize=2, mode=mode)], [("X", xd2s)],
         [("Y", depth_to_space(xd2s, 2, mode))])
xs2d = act.uniform(-1, 1, (1, 3, 4, 6)).astype(np.float32)
case("space_to_depth", [node("SpaceToDepth", ["X"], ["Y"], blocksize=2)], [("X", xs2d)],
     [("Y", xs2d.reshape(1, 3, 2, 2, 3, 2).transpose(0, 3, 5, 1, 2, 4).reshape(1, 12, 2, 3))])

# InstanceNormalization: 3-D and 4-D inputs, a constant plane (variance 0: bias alone).
xin = act.uniform(-2, 2, (2, 3, 4, 5)).astype(np.float32)
xin[1, 2] = 7.0
sc, bi = act.uniform(0.5, 1.5, 3).astype(np.float32), act.uniform(-1, 1, 3).astype(np.float32)
def instance_norm(x, s, b, eps):
    axes = tuple(range(2, x.ndim))
    m = x.mean(axis=axes, keepdims=True)
    v = ((x - m) ** 2).mean(axis=axes, keepdims=True)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return ((x - m) / np.sqrt(v + eps) * s.reshape(shape) + b.reshape(shape)).astype(np.float32)
case("instance_norm_4d", [node("InstanceNormalization", ["X", "S", "B"], ["Y"], epsilon=1e-3)], [("X", xin)],
     [("Y", instance_norm(xin, sc, bi, 1e-3))], {"S": sc, "B": bi})
xin3 = act.uniform(-2, 2, (2, 3, 7)).astype(np.float32)
case("instance_norm_3d", [node("InstanceNormalization", ["X", "S", "B"], ["Y"])], [("X", xin3)],
     [("Y", instance_norm(xin3, sc, bi, 1e-5))], {"S": sc, "B": bi})

# MaxPool's Indices: ties (the first wins), NaN (the first NaN wins), -inf, padding, dilations,
# ceil_mode's overhanging window, both storage orders and 1-D.
def maxpool_argmax(x, k, s, pads, dil, ceil, column_major):
    n, c, h, w = x.shape
    def extent(size, kk, ss, p0, p1, dd):
        span = size + p0 + p1 - ((kk - 1) * dd + 1)
        out = (-(-span // ss) if ceil else span // ss) + 1
        if ceil and (out - 1) * ss >= size + p0:
            out -= 1
        return out
    oh, ow = extent(h, k[0], s[0], pads[0], pads[2], dil[0]), extent(w, k[1], s[1], pads[1], pads[3], dil[1])
    y = np.zeros((n, c, oh, ow), x.dtype)
    idx = np.zeros((n, c, oh, ow), np.int64)
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    best, at = None, None
                    for a in range(k[0]):
                        for bb in range(k[1]):
                            hi, wi = i * s[0] + a * dil[0] - pads[0], j * s[1] + bb * dil[1] - pads[1]
                            if not (0 <= hi < h and 0 <= wi < w):
                                continue
                            v = x[b, ch, hi, wi]
                            if best is None or v > best or (np.isnan(v) and not np.isnan(best)):
                                best, at = v, (hi + wi * h if column_major else hi * w + wi)
                    y[b, ch, i, j], idx[b, ch, i, j] = best, (b * c + ch) * h * w + at
    return y, idx
mp = np.random.default_rng(31)
xm = np.round(mp.uniform(-3, 3, (2, 3, 7, 6)) * 2).astype(np.float32) / 2  # halves: many ties
xm[0, 0, 1, 1], xm[0, 0, 2, 2], xm[1, 2, 0, 0] = np.nan, np.nan, -np.inf
xm[1, 1] = -np.inf
for name, k, s, pads, dil, ceil, order in (("maxpool_indices_ties_nan", (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 0, 0),
                                           ("maxpool_indices_dilated_ceil", (2, 3), (2, 2), (0, 1, 1, 0), (2, 1), 1, 0),
                                           ("maxpool_indices_column_major", (2, 2), (1, 2), (1, 0, 0, 1), (1, 1), 0, 1)):
    y, idx = maxpool_argmax(xm, k, s, pads, dil, ceil, order)
    case(name, [node("MaxPool", ["X"], ["Y", "I"], kernel_shape=list(k), strides=list(s), pads=list(pads), dilations=list(dil),
                     ceil_mode=ceil, storage_order=order)], [("X", xm)], [("Y", y), ("I", idx)])
x1 = xm[:, :, 0, :].copy()
y1, i1 = maxpool_argmax(x1[:, :, None, :], (1, 3), (1, 2), (0, 1, 0, 1), (1, 1), 0, 0)
case("maxpool_indices_1d", [node("MaxPool", ["X"], ["Y", "I"], kernel_shape=[3], strides=[2], pads=[1, 1])], [("X", x1)],
     [("Y", y1[:, :, 0, :]), ("I", i1[:, :, 0, :])])

# The math functions, with their own generator: each over its domain and beyond, with NaN, ±inf,
# ±0 and halves (Round takes them to even); Sign of int64 too; and a chain the pipeline fuses.
rng = np.random.default_rng(20261207)
MATH = {"Sin": np.sin, "Cos": np.cos, "Tan": np.tan, "Asin": np.arcsin, "Acos": np.arccos, "Atan": np.arctan,
        "Sinh": np.sinh, "Cosh": np.cosh, "Asinh": np.arcsinh, "Acosh": np.arccosh, "Atanh": np.arctanh,
        "Floor": np.floor, "Ceil": np.ceil, "Round": np.round, "Sign": np.sign}
xm = rand(3, 7, lo=-3.0, hi=3.0)
xm.flat[:12] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5]
with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
    for op, fn in MATH.items():
        case(f"math_{op.lower()}", [node(op, ["X"], ["Y"])], [("X", xm)], [("Y", fn(xm.astype(np.float64)).astype(np.float32))])
si = np.array([[0, -7, 9, np.iinfo(np.int64).min, np.iinfo(np.int64).max]], np.int64)
case("math_sign_int64", [node("Sign", ["X"], ["Y"])], [("X", si)], [("Y", np.sign(si))])
xc = rand(2, 9, lo=-4.0, hi=4.0)
chain = np.round(np.sin(xc.astype(np.float64)) * 3) + np.sign(xc) * np.floor(np.abs(xc))
case("math_chain", [node("Sin", ["X"], ["s"]), const("k", np.array(3, np.float32)), helper.make_node("Mul", ["s", "k"], ["m"]),
                    node("Round", ["m"], ["r"]), node("Sign", ["X"], ["g"]), node("Abs", ["X"], ["a"]),
                    node("Floor", ["a"], ["f"]), helper.make_node("Mul", ["g", "f"], ["p"]), helper.make_node("Add", ["r", "p"], ["Y"])],
     [("X", xc)], [("Y", chain.astype(np.float32))])

# Einsum: matmul-like contractions, batch and broadcast ellipses, implicit
# results, sums, transposes, outer products, three operands, int64 and diagonals.
es = np.random.default_rng(41)
def einsum_case(name, eq, *shapes, dtype=np.float32):
    ops = [(es.integers(-4, 5, s) if dtype == np.int64 else es.uniform(-1, 1, s)).astype(dtype) for s in shapes]
    names = [f"X{k}" for k in range(len(ops))]
    case(name, [node("Einsum", names, ["Y"], equation=eq)], list(zip(names, ops)), [("Y", np.asarray(np.einsum(eq, *ops), dtype))])
einsum_case("einsum_matmul", "ij,jk->ik", (3, 4), (4, 5))
einsum_case("einsum_attention_scores", "bhqd,bhkd->bhqk", (2, 3, 5, 4), (2, 3, 6, 4))
einsum_case("einsum_ellipsis_broadcast", "...ij,...jk->...ik", (2, 1, 3, 4), (5, 4, 2))
einsum_case("einsum_implicit", "ij,jk", (3, 4), (4, 2))
einsum_case("einsum_outer", "i,j->ij", (3,), (4,))
einsum_case("einsum_sum_and_transpose", "ijk->kj", (2, 3, 4))
einsum_case("einsum_three_operands", "ab,bc,cd->ad", (2, 3), (3, 4), (4, 5))
einsum_case("einsum_summed_only_once", "ij,jk->k", (3, 4), (4, 2))
einsum_case("einsum_size_one_batch", "bij,bjk->bik", (1, 2, 3), (4, 3, 2))
einsum_case("einsum_int64", "ij,kj->ik", (3, 4), (2, 4), dtype=np.int64)
einsum_case("einsum_dot", "i,i->", (6,), (6,))
# Diagonals: an index repeated inside one operand.
einsum_case("einsum_diagonal", "ii->i", (4, 4))
einsum_case("einsum_trace_implicit", "ii", (5, 5))
einsum_case("einsum_batch_diagonal", "...ii->...i", (2, 3, 3))
einsum_case("einsum_diagonal_then_matmul", "bii,bij->bj", (2, 3, 3), (2, 3, 4))
einsum_case("einsum_triple_diagonal", "iii->i", (3, 3, 3))
einsum_case("einsum_diagonal_transposed", "iji->ji", (3, 2, 3), dtype=np.int64)

# TopK with ties (the lower index first, NumPy's stable sort), largest and smallest, along either
# axis, and ReduceProd with a zero; values and indices both checked.
ts = np.random.default_rng(43)
def topk_case(name, x, k, axis, largest):
    order = np.argsort(-x if largest else x, axis=axis, kind="stable")
    idx = np.take(order, np.arange(k), axis=axis).astype(np.int64)
    case(name, [node("TopK", ["X", "K"], ["V", "I"], axis=axis, largest=largest)], [("X", x)],
         [("V", np.take_along_axis(x, idx, axis)), ("I", idx)], inits={"K": np.array([k], np.int64)})
ties = ts.integers(-3, 4, (4, 9)).astype(np.float32)
topk_case("topk_ties_largest", ties, 4, 1, 1)
topk_case("topk_ties_smallest", ties, 4, 1, 0)
topk_case("topk_axis0", ts.uniform(-1, 1, (6, 3)).astype(np.float32), 2, 0, 1)
topk_case("topk_int64_all", ts.integers(-5, 6, (2, 7)).astype(np.int64), 7, -1, 1)
xp = ts.uniform(0.5, 1.5, (3, 4, 5)).astype(np.float32)
xp[1, 2, 3] = 0
case("reduce_prod_axes", [node("ReduceProd", ["X"], ["Y"], axes=[0, 2], keepdims=0)], [("X", xp)], [("Y", np.prod(xp, axis=(0, 2)))])

# Upsample inside a graph (its Resize gets a new name from ONNX's converter) keeps the old
# rule: asymmetric coordinates, nearest rounding down, at a fractional scale too.
lu = np.random.default_rng(51)
xu = lu.uniform(-1, 1, (1, 2, 3, 4)).astype(np.float32)
def upsample_nearest_floor(x, scales):
    out = x
    for axis, s in enumerate(scales):
        n = x.shape[axis]
        idx = np.minimum(np.floor(np.arange(int(np.floor(n * s))) / s).astype(int), n - 1)
        out = np.take(out, idx, axis)
    return out
case("legacy_upsample_inner_op9", [node("Upsample", ["X", "S"], ["U"], mode="nearest"), node("Relu", ["U"], ["Y"])], [("X", xu)],
     [("Y", np.maximum(upsample_nearest_floor(xu, [1, 1, 1.5, 2.5]), 0))], {"S": np.array([1, 1, 1.5, 2.5], np.float32)}, opset=9)
case("legacy_upsample_linear_inner_op9", [node("Upsample", ["X", "S"], ["U"], mode="linear"), node("Neg", ["U"], ["Y"])], [("X", xu)],
     [("Y", -upsample_linear_asymmetric(upsample_linear_asymmetric(xu, 2, 2), 3, 2).astype(np.float32))],
     {"S": np.array([1, 1, 2, 2], np.float32)}, opset=9)
