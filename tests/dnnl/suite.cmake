# dnnl/: the oneDNN backend against the reference interpreter.
if(TARGET graphc_dnnl AND TARGET graphc_ref AND TARGET graphc_backends)
  graphc_test_suite(test_dnnl dnnl graphc_backends graphc_dnnl graphc_ref graphc_ir)
  # Whole training steps come from the training-step builder.
  if(TARGET graphc_train AND TARGET test_dnnl)
    target_link_libraries(test_dnnl PRIVATE graphc_train)
    target_compile_definitions(test_dnnl PRIVATE GRAPHC_TEST_TRAIN)
  endif()
endif()
