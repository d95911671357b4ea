# onnx/: the ONNX importer: the reference models' structure as imported and fused, torch.onnx
# exports run on every backend, malformed files and fuzzed ones (tests/backends runs the models
# and the per-op cases on every backend).
graphc_test_suite(test_onnx onnx graphc_onnx graphc_passes graphc_backends graphc_eval graphc_ir onnx_proto protobuf::libprotobuf)
