# graphc_train: autodiff, losses, optimizers and the training-step builder. Kept apart from
# graphc_passes so that it builds on its own; passes/CMakeLists.txt includes it.
add_library(graphc_train
  ${CMAKE_CURRENT_LIST_DIR}/autodiff.cpp
  ${CMAKE_CURRENT_LIST_DIR}/training.cpp)
target_link_libraries(graphc_train PUBLIC graphc_ir graphc_passes)
