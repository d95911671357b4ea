# The memory planner's tests; graphc_memplan exists once passes/CMakeLists.txt includes memplan.cmake.
if(TARGET graphc_memplan)
  graphc_test_suite(test_memplan memplan graphc_memplan graphc_ir)
endif()
