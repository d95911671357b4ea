# capi/: the C API (libgraphc, include/graphc/graphc.h) from outside: every status, results
# against the driver's interpreter, training, threads; its exported symbols; and the installed
# package with the embed examples built against it.
graphc_test_suite(test_capi capi graphc_shared graphc_driver)
if(TARGET test_capi)
  target_include_directories(test_capi PRIVATE ${PROJECT_SOURCE_DIR}/include)
endif()

# The C++ API (include/graphc/graphc.hpp) against the shared library alone, as an application
# links it (no internal header: graphc::Error there is the C++ API's).
add_executable(test_capi_cpp ${CMAKE_CURRENT_SOURCE_DIR}/capi/cpp/cpp_api.cpp)
target_link_libraries(test_capi_cpp PRIVATE graphc_shared doctest::doctest)
target_compile_definitions(test_capi_cpp PRIVATE GRAPHC_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data")
doctest_discover_tests(test_capi_cpp TEST_PREFIX "capi/cpp/" PROPERTIES TIMEOUT 300)

add_test(NAME capi/exported_symbols
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/capi/exported_symbols.sh $<TARGET_FILE:graphc_shared>
          ${PROJECT_SOURCE_DIR}/include/graphc/graphc.h)
# A sanitized libgraphc needs its sanitizer runtimes loaded first: its consumers are built with
# the same -fsanitize flags.
string(TOUPPER "${CMAKE_BUILD_TYPE}" build_type)
string(REGEX MATCHALL "-fsanitize=[^ ]+" sanitize_flags "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${build_type}}")
list(JOIN sanitize_flags " " sanitize_flags)
add_test(NAME capi/install
  COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} "-DCONSUMER_FLAGS=${sanitize_flags}"
          -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/capi-install -P ${CMAKE_CURRENT_SOURCE_DIR}/capi/install_test.cmake)
set_tests_properties(capi/install PROPERTIES TIMEOUT 600)
