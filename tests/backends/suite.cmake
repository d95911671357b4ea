# backends/: the suites every registered backend runs (allBackends()): the conformance cases
# against the interpreter, the per-op ONNX cases, the reference models and the training
# trajectories against NumPy and PyTorch, with each backend's skip list (skips.cpp).
graphc_test_suite(test_backends backends graphc_backends graphc_onnx graphc_text graphc_npy graphc_passes graphc_train graphc_eval graphc_ir)
target_sources(test_backends PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/train/train_util.cpp)
