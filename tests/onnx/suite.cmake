# onnx/: the ONNX importer: the reference models' structure as imported and fused, malformed
# files and fuzzed ones (tests/backends runs the models and the per-op cases on every backend).
graphc_test_suite(test_onnx onnx graphc_onnx graphc_passes graphc_ref graphc_ir onnx_proto protobuf::libprotobuf)
