# dnnl/: the oneDNN backend against the reference interpreter.
if(TARGET graphc_dnnl AND TARGET graphc_ref AND TARGET graphc_backends)
  graphc_test_suite(test_dnnl dnnl graphc_backends graphc_dnnl graphc_ref graphc_ir)
endif()
