# dnnl/: the oneDNN backend against the reference interpreter, including whole training steps.
graphc_test_suite(test_dnnl dnnl graphc_backends graphc_dnnl graphc_train graphc_eval graphc_ir)
