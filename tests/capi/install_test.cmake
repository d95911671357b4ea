# The installed package from outside: cmake --install to a temporary prefix, then build and run
# both embed examples against it with find_package(graphc), and the C example once more with
# only pkg-config's flags. Run with cmake -DBUILD_DIR= -DSOURCE_DIR= -DWORK_DIR= -P, and
# -DCONSUMER_FLAGS= (the library's -fsanitize flags, if any) for every program built against it.
cmake_minimum_required(VERSION 3.20)
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: no match for '${regex}' in:\n${text}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
file(GLOB_RECURSE libs ${prefix}/*libgraphc.so*)
file(GLOB_RECURSE configs ${prefix}/*graphcConfig.cmake ${prefix}/*graphcConfigVersion.cmake ${prefix}/*graphc.pc)
list(LENGTH configs config_count)
if(NOT libs OR NOT config_count EQUAL 3 OR NOT EXISTS ${prefix}/include/graphc/graphc.h OR NOT EXISTS ${prefix}/include/graphc/graphc.hpp)
  message(FATAL_ERROR "the install is incomplete: libs '${libs}', configs '${configs}'")
endif()

set(model ${SOURCE_DIR}/tests/data/onnx/seed.onnx)
foreach(lang IN ITEMS c cpp)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed/${lang} -B ${WORK_DIR}/${lang} -G Ninja -DCMAKE_BUILD_TYPE=Release
      -DCMAKE_PREFIX_PATH=${prefix} "-DCMAKE_C_FLAGS=${CONSUMER_FLAGS}" "-DCMAKE_CXX_FLAGS=${CONSUMER_FLAGS}")
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/${lang})
endforeach()

run(${WORK_DIR}/c/embed_c ${model} ref)
expect("${out}" "graphc [0-9]+\\.[0-9]+\\.[0-9]+\ninput x: f32\\[2,10\\]\noutput y: f32\\[2,5\\]\n" "embed_c")
expect("${out}" "row 1:( 0\\.[0-9]+)+  -> class [0-4]\n" "embed_c")
run(${WORK_DIR}/cpp/embed_cpp ${model} ${SOURCE_DIR}/examples/seed/seed.graph ref)
expect("${out}" "y\\[0\\]:( 0\\.[0-9]+)+\n" "embed_cpp")
expect("${out}" "step 20: loss [0-9.]+\nloss fell: " "embed_cpp")
message(STATUS "embed_cpp:\n${out}")

# pkg-config alone, as a Makefile would use it.
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run(pkg-config --cflags --libs graphc)
string(STRIP "${out}" flags)
expect("${flags}" "-I.*/include" "pkg-config --cflags")
expect("${flags}" "-lgraphc" "pkg-config --libs")
separate_arguments(flag_list UNIX_COMMAND "${flags} ${CONSUMER_FLAGS}")
run(cc -o ${WORK_DIR}/embed_c_pc ${SOURCE_DIR}/examples/embed/c/main.c ${flag_list} -lm)
set(ENV{LD_LIBRARY_PATH} ${prefix}/lib)
run(${WORK_DIR}/embed_c_pc ${model} ref)
expect("${out}" "output y: f32\\[2,5\\]" "embed_c built with pkg-config")

# docs/embedding.md's complete C example, copied out as a reader would.
file(READ ${SOURCE_DIR}/docs/embedding.md doc)
string(FIND "${doc}" "```c\n" begin)
string(SUBSTRING "${doc}" ${begin} -1 doc)
string(FIND "${doc}" "\n```\n" end)
math(EXPR length "${end} - 5")  # after "```c\n", up to the closing fence
string(SUBSTRING "${doc}" 5 ${length} doc_example)
file(WRITE ${WORK_DIR}/doc_example.c "${doc_example}\n")
run(cc -o ${WORK_DIR}/doc_example ${WORK_DIR}/doc_example.c ${flag_list} -lm)
run(${WORK_DIR}/doc_example ${model})
expect("${out}" "^0\\.[0-9]+( 0\\.[0-9]+)+\n$" "docs/embedding.md's C example")
file(REMOVE_RECURSE ${WORK_DIR})
