# llvm/: the LLVM JIT backend against the reference interpreter, its generated code, and the
# reference MLP against PyTorch.
graphc_test_suite(test_llvm llvm graphc_llvm graphc_onnx graphc_passes graphc_eval graphc_ir onnx_proto protobuf::libprotobuf)
