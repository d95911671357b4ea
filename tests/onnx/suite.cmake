# onnx/: the ONNX importer against PyTorch's outputs (reference models, torch.onnx exports run on
# every backend), NumPy-computed per-op cases (tests/data/onnx/ops, made by gen_op_models.py) and
# malformed files.
graphc_test_suite(test_onnx onnx graphc_onnx graphc_passes graphc_backends graphc_eval graphc_ir onnx_proto protobuf::libprotobuf)
