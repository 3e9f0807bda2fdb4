cmake_minimum_required(VERSION 3.18)
# cmake/RelulabCuda.cmake's version logic, without a CUDA LibTorch:
#   -DCASE=parse     reads the CUDA version from a pip torch/version.py and
#                    from a LibTorch archive's build-version
#   -DCASE=match     13.0 LibTorch with nvcc 13.0: configuration goes on
#   -DCASE=mismatch  12.8 LibTorch with nvcc 13.0: stops naming both
# Run with: cmake -DSOURCE_DIR=... -DWORK_DIR=... -DCASE=... -P this file
include("${SOURCE_DIR}/cmake/RelulabCuda.cmake")

if(CASE STREQUAL "parse")
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(WRITE "${WORK_DIR}/pip/version.py"
       "__version__ = '2.11.0+cu130'\ndebug = False\ncuda: Optional[str] = '13.0'\n")
  file(WRITE "${WORK_DIR}/archive/build-version" "2.11.0+cu128\n")
  file(MAKE_DIRECTORY "${WORK_DIR}/cpu")
  foreach(kind_expected pip:13.0 archive:12.8 cpu:)
    string(REPLACE ":" ";" pair "${kind_expected}")
    list(GET pair 0 kind)
    list(LENGTH pair n)
    set(expected "")
    if(n GREATER 1)
      list(GET pair 1 expected)
    endif()
    set(TORCH_INSTALL_PREFIX "${WORK_DIR}/${kind}")
    relulab_torch_cuda_version(found)
    if(NOT found STREQUAL expected)
      message(FATAL_ERROR "${kind}: expected CUDA '${expected}', read '${found}'")
    endif()
  endforeach()
  message(STATUS "parsed every layout")
elseif(CASE STREQUAL "match")
  relulab_check_cuda_versions("13.0" "13.0.88")
  message(STATUS "versions agree")
elseif(CASE STREQUAL "mismatch")
  relulab_check_cuda_versions("12.8" "13.0.88")
  message(STATUS "a mismatch went unnoticed")
endif()
