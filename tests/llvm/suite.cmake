# llvm/: the LLVM JIT backend against the reference interpreter, its generated code, and the
# reference MLP against PyTorch.
graphc_test_suite(test_llvm llvm graphc_llvm graphc_onnx graphc_passes graphc_eval graphc_ir onnx_proto protobuf::libprotobuf)
# A training step's state (train.cpp) is built from the passes' training-step builder.
target_link_libraries(test_llvm PRIVATE graphc_train graphc_backends)
target_sources(test_llvm PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/train/train_util.cpp)
