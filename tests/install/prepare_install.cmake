# ctest fixture: install this build into WORK_DIR/prefix, then configure and
# build examples/quant-plugin and abi_plugins/ out of tree against that
# prefix alone (CMAKE_PREFIX_PATH), as a third-party plugin author would.
#   cmake -DBUILD_DIR=... -DWORK_DIR=... -DSOURCE_DIR=... -DGENERATOR=...
#         -DMAKE_PROGRAM=... -DCXX_COMPILER=... -P prepare_install.cmake
foreach(var BUILD_DIR WORK_DIR SOURCE_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "prepare_install.cmake: -D${var}=... is required")
  endif()
endforeach()

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

# Configures and builds a project against the installed prefix only.
function(build_out_of_tree what source binary)
  set(make_program "")
  if(MAKE_PROGRAM)
    set(make_program "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  run_step("configure ${what}" "${CMAKE_COMMAND}" -S "${source}" -B "${binary}" -G "${GENERATOR}" ${make_program}
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    -DCMAKE_BUILD_TYPE=Release)
  run_step("build ${what}" "${CMAKE_COMMAND}" --build "${binary}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
run_step("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
build_out_of_tree("examples/quant-plugin" "${SOURCE_DIR}/examples/quant-plugin" "${WORK_DIR}/example-build")
build_out_of_tree("abi_plugins" "${SOURCE_DIR}/tests/install/abi_plugins" "${WORK_DIR}/abi-build")
