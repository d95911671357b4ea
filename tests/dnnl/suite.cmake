# dnnl/: the oneDNN backend against the reference interpreter, including whole training steps;
# oneDNN itself only to ask which ISA it runs (isa.cpp).
find_package(dnnl 2.6 REQUIRED CONFIG)
graphc_test_suite(test_dnnl dnnl graphc_backends graphc_dnnl graphc_train graphc_eval graphc_ir DNNL::dnnl)
# The thread-count test sets and reads the caller's OpenMP setting.
target_link_libraries(test_dnnl PRIVATE OpenMP::OpenMP_CXX)
