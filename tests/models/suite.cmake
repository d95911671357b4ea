# models/: the reference models end to end, through the default pipeline and every backend.
graphc_test_suite(test_models models graphc_backends graphc_onnx graphc_passes graphc_memplan graphc_ir)
