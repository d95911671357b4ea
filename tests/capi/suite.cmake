# capi/: the C API (libgraphc, include/graphc/graphc.h) from outside: every status, results
# against the driver's interpreter, training, threads; and its exported symbols.
graphc_test_suite(test_capi capi graphc_shared graphc_driver)
if(TARGET test_capi)
  target_include_directories(test_capi PRIVATE ${PROJECT_SOURCE_DIR}/include)
endif()

add_test(NAME capi/exported_symbols
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/capi/exported_symbols.sh $<TARGET_FILE:graphc_shared>
          ${PROJECT_SOURCE_DIR}/include/graphc/graphc.h)
