# Installs relulab into a scratch prefix, moves the prefix elsewhere (an
# install must be relocatable), builds examples/consumer and
# tests/consumer/modules_only against the moved package (find_package(relulab))
# and runs both with no LD_LIBRARY_PATH.
# Run with: cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=...
#                 [-DTORCH_PREFIX=...] [-DCUDA_COMPILER=...] [-DCXX_STANDARD=...] -P this file
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
set(moved "${WORK_DIR}/moved/elsewhere")

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
file(MAKE_DIRECTORY "${WORK_DIR}/moved")
file(RENAME "${prefix}" "${moved}")

set(configure_args -DCMAKE_BUILD_TYPE=Release)
if(CUDA_COMPILER)
  # A CUDA LibTorch probes the GPU to pick architectures unless told; on a
  # machine without one (CI) that probe is a CUDA try_run, which CMake < 3.26
  # cannot even configure in C++20. A consumer names its architectures.
  list(APPEND configure_args "-DCMAKE_CUDA_COMPILER=${CUDA_COMPILER}" "-DTORCH_CUDA_ARCH_LIST=9.0+PTX")
endif()
if(CXX_STANDARD)
  list(APPEND configure_args "-DCMAKE_CXX_STANDARD=${CXX_STANDARD}")
endif()
foreach(consumer examples/consumer tests/consumer/modules_only)
  get_filename_component(name "${consumer}" NAME)
  # The prefixes through the environment (':'-separated): a ';' list would be
  # split apart by ${ARGV}. LibTorch's own folder comes with them so that its
  # libtorch.so is found before any system one.
  run(${CMAKE_COMMAND} -E env "CMAKE_PREFIX_PATH=${moved}:${TORCH_PREFIX}"
      ${CMAKE_COMMAND} -S "${SOURCE_DIR}/${consumer}" -B "${WORK_DIR}/${name}" ${configure_args})
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/${name}" -j 2)
endforeach()
run(${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH "${WORK_DIR}/consumer/consumer")
run(${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH "${WORK_DIR}/modules_only/modules_consumer")
