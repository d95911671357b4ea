# onnx/: the ONNX importer against PyTorch's outputs (reference models), NumPy-computed per-op
# cases (tests/data/onnx/ops, made by gen_op_models.py) and malformed files.
set(onnx_test_libs graphc_onnx graphc_passes graphc_ir onnx_proto protobuf::libprotobuf)
if(TARGET graphc_ref)
  list(APPEND onnx_test_libs graphc_ref)
endif()
graphc_test_suite(test_onnx onnx ${onnx_test_libs})
if(TARGET test_onnx AND TARGET graphc_ref)
  target_compile_definitions(test_onnx PRIVATE GRAPHC_HAVE_REF=1)
endif()
