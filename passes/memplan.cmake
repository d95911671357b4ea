# graphc_memplan: static memory planning (liveness of graph buffers, arena offsets, reports).
# Kept apart from graphc_passes so it builds on its own; passes/CMakeLists.txt includes it.
add_library(graphc_memplan
  ${CMAKE_CURRENT_LIST_DIR}/graph_buffers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/memory_plan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/memory_plan_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/memory_plan_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/memory_plan_search.cpp)
target_link_libraries(graphc_memplan PUBLIC graphc_ir)
