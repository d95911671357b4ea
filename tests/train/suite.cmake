# train/: autodiff (finite differences in f64 on the interpreter), training steps, and loss
# trajectories against PyTorch.
graphc_test_suite(test_train train graphc_train graphc_onnx graphc_backends graphc_eval graphc_text graphc_ir onnx_proto protobuf::libprotobuf)
