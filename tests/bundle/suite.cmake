# bundle/: ahead-of-time bundles (graphc compile --backend llvm --emit bundle) from outside: C
# programs built with plain cc against NAME.o and NAME.h alone, their outputs against the
# interpreter, a run sealed by seccomp with its heap calls counted, bad requests, and the
# examples/bundle program.
if(TARGET graphc)
  foreach(case IN ITEMS matches generic_cpu sealed symbols errors docs)
    add_test(NAME bundle/${case}
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bundle/bundle_test.sh ${case} $<TARGET_FILE:graphc> $<TARGET_FILE:npycmp>
              ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/bundle/${case})
    set_tests_properties(bundle/${case} PROPERTIES TIMEOUT 300)
  endforeach()
  add_test(NAME bundle/example
    COMMAND bash ${PROJECT_SOURCE_DIR}/examples/bundle/run.sh ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/bundle/example)
  set_tests_properties(bundle/example PROPERTIES TIMEOUT 300)
endif()
