# models/: the memory plans of the reference models, compiled and at the graph level.
graphc_test_suite(test_models models graphc_backends graphc_onnx graphc_passes graphc_memplan graphc_ir)
