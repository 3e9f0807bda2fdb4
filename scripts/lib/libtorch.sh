# Sourced by scripts/setup, scripts/test and scripts/run: which LibTorch this
# checkout builds against, and where that build lives.
#
#   RELULAB_LIBTORCH=debian   (default) Debian's libtorch-dev 1.13, CPU; build/
#   RELULAB_LIBTORCH=pip      PyTorch 2.11.0 (CUDA 13.0 build) from PyPI in the
#                             git-ignored .venv/; build-torch2.11/, CUDA kernels
#                             compiled with /usr/local/cuda's nvcc
#   RELULAB_BUILD_DIR=dir     another build folder for either
#   RELULAB_TORCH_PYTHON=py   with pip: use this Python's torch instead of
#                             installing .venv/ (the GPU machines' own torch)
relulab_libtorch=${RELULAB_LIBTORCH:-debian}
case $relulab_libtorch in
  debian) relulab_default_build_dir=build ;;
  pip) relulab_default_build_dir=build-torch2.11 ;;
  *)
    echo "RELULAB_LIBTORCH=$relulab_libtorch: expected 'debian' (Debian's LibTorch 1.13, the default)" \
         "or 'pip' (PyTorch 2.11.0 from PyPI in .venv/)" >&2
    exit 2 ;;
esac
build_dir=${RELULAB_BUILD_DIR:-$relulab_default_build_dir}
relulab_venv=$PWD/.venv
relulab_python=${RELULAB_TORCH_PYTHON:-$relulab_venv/bin/python}
