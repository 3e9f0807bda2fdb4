# The CUDA path of librelulab_ops: decides whether it is built, checks that
# nvcc and the LibTorch found agree on the CUDA major version, and compiles
# src/ops/cuda/ for the chosen architectures. Included after find_package(Torch).
#
#   RELULAB_CUDA_ARCHITECTURES   CUDA_ARCHITECTURES for our kernels
#                                (default 90-real;90-virtual: sm_90 code for
#                                H100/H200 plus compute_90 PTX for later GPUs)
#   RELULAB_TORCH_CUDA_VERSION   the CUDA version LibTorch was built with; read
#                                from LibTorch's version files when not given

# The CUDA version a LibTorch was built with: pip wheels record it in
# torch/version.py (cuda = '13.0'), LibTorch archives in build-version
# (2.11.0+cu130). Empty when neither says.
function(relulab_torch_cuda_version out_var)
  set(version "")
  get_filename_component(torch_root "${TORCH_INSTALL_PREFIX}" ABSOLUTE)
  if(EXISTS "${torch_root}/version.py")
    file(STRINGS "${torch_root}/version.py" line REGEX "^cuda[^=]*= *'[0-9.]+'")
    string(REGEX REPLACE ".*'([0-9.]+)'.*" "\\1" version "${line}")
  elseif(EXISTS "${torch_root}/build-version")
    file(READ "${torch_root}/build-version" build_version)
    if(build_version MATCHES "\\+cu([0-9]+)([0-9])")
      set(version "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
    endif()
  endif()
  set(${out_var} "${version}" PARENT_SCOPE)
endfunction()

# Stops configuration when nvcc's CUDA major version differs from LibTorch's:
# kernels built that way link, then fail at load or launch time on the GPU.
function(relulab_check_cuda_versions torch_version nvcc_version)
  if(torch_version STREQUAL "")
    message(WARNING "relulab: could not tell which CUDA version LibTorch was built with; "
                    "assuming it matches nvcc ${nvcc_version}. HINT: pass "
                    "-DRELULAB_TORCH_CUDA_VERSION=<major.minor> to have it checked.")
    return()
  endif()
  string(REGEX MATCH "^[0-9]+" torch_major "${torch_version}")
  string(REGEX MATCH "^[0-9]+" nvcc_major "${nvcc_version}")
  if(NOT torch_major STREQUAL nvcc_major)
    message(FATAL_ERROR "relulab: LibTorch was built with CUDA ${torch_version} but nvcc is "
                        "CUDA ${nvcc_version}: their major versions must match. HINT: point "
                        "CMAKE_CUDA_COMPILER at a CUDA ${torch_major}.x nvcc, or use a LibTorch "
                        "built for CUDA ${nvcc_major}.x.")
  endif()
endfunction()

# In script mode (cmake -P, used by a test) only the functions above are wanted.
if(CMAKE_SCRIPT_MODE_FILE)
  return()
endif()

set(RELULAB_CUDA OFF)
if(NOT CAFFE2_USE_CUDA)
  message(STATUS "relulab: the LibTorch found (${Torch_DIR}) has no CUDA: CUDA kernels not built")
  return()
endif()

if(NOT DEFINED RELULAB_TORCH_CUDA_VERSION)
  relulab_torch_cuda_version(RELULAB_TORCH_CUDA_VERSION)
endif()
# find_package(Torch) enabled the CUDA language with the nvcc it found.
relulab_check_cuda_versions("${RELULAB_TORCH_CUDA_VERSION}" "${CMAKE_CUDA_COMPILER_VERSION}")

# LibTorch compiles CUDA in the C++ standard of the C++ code. CMake before
# 3.26 does not know nvcc's C++20 flag (nvcc has it since CUDA 12).
if(NOT DEFINED CMAKE_CUDA20_STANDARD_COMPILE_OPTION AND CMAKE_CUDA_COMPILER_VERSION VERSION_GREATER_EQUAL 12)
  set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
  set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
endif()

set(RELULAB_CUDA_ARCHITECTURES "90-real;90-virtual" CACHE STRING
    "CUDA architectures of relulab's kernels (sm_90 code + compute_90 PTX by default)")
target_sources(relulab_ops PRIVATE src/ops/cuda/kernels.cu src/ops/cuda/prelu.cu
                                   src/ops/cuda/launch.cu)
target_compile_definitions(relulab_ops PUBLIC RELULAB_WITH_CUDA=1)
# LibTorch sets CMAKE_CUDA_ARCHITECTURES to OFF and passes its own -gencode
# list only to targets built the old FindCUDA way: name ours explicitly.
# One shared cudart, the one LibTorch loads, instead of a static copy.
set_target_properties(relulab_ops PROPERTIES
  CUDA_ARCHITECTURES "${RELULAB_CUDA_ARCHITECTURES}"
  CUDA_RUNTIME_LIBRARY Shared)
target_compile_options(relulab_ops PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-O3>)
set(RELULAB_CUDA ON)
message(STATUS "relulab: CUDA kernels enabled: nvcc ${CMAKE_CUDA_COMPILER_VERSION}, LibTorch CUDA "
               "${RELULAB_TORCH_CUDA_VERSION}, architectures ${RELULAB_CUDA_ARCHITECTURES}")
