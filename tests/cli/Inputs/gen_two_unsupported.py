#!/usr/bin/python3
"""Writes two_unsupported.onnx: a model using Unique (no importer: its output size depends on the data) and a custom-domain op, for the CLI test
that an unsupported model lists every unsupported op at once."""
import os
import onnx
from onnx import TensorProto, helper

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 10])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])
nodes = [
    helper.make_node("Relu", ["x"], ["a"], name="relu0"),
    helper.make_node("Unique", ["a"], ["b"], name="unique0"),
    helper.make_node("Mystery", ["b"], ["y"], name="mystery0", domain="com.example"),
]
graph = helper.make_graph(nodes, "two_unsupported", [x], [y])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.example", 1)])
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "two_unsupported.onnx"))
