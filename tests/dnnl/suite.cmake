# dnnl/: the oneDNN backend against the reference interpreter, including whole training steps;
# oneDNN itself only to ask which ISA it runs (isa.cpp).
find_package(dnnl 2.6 REQUIRED CONFIG)
graphc_test_suite(test_dnnl dnnl graphc_backends graphc_dnnl graphc_train graphc_ref graphc_ir DNNL::dnnl)
target_sources(test_dnnl PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/train/train_util.cpp)
