// Pointer-level CUDA kernels for the activation operators: the CUDA twin of
// cpu/kernels.h. No LibTorch headers, so `nvcc -c kernels.cu` checks them on
// any machine with nvcc (a test does). Launches go on the given stream.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ops/channel_layout.h"
#include "relulab/activations.h"

namespace relulab {
namespace cuda {

using activations::Pointwise;
using activations::PointwiseParams;

/// T: float, double, __half or __nv_bfloat16 (16-bit types compute in float).
template <typename T>
cudaError_t pointwise_forward(Pointwise op, const PointwiseParams& params, const T* x, T* y,
                              int64_t n, cudaStream_t stream);

template <typename T>
cudaError_t pointwise_backward(Pointwise op, const PointwiseParams& params, const T* grad_out,
                               const T* saved, T* grad_in, int64_t n, cudaStream_t stream);

/// PReLU on a contiguous (outer, channels, inner) tensor.
template <typename T>
cudaError_t prelu_forward(const T* x, const T* weight, T* y, ChannelLayout layout, int64_t n,
                          cudaStream_t stream);

/// Input gradient and per-(channel, block) partial weight-gradient sums in
/// one pass, then the partials summed in a fixed order per channel: no
/// atomics, so the result is deterministic. `workspace` holds
/// prelu_workspace_doubles(layout, n) doubles; grad_weight has `channels` elements.
template <typename T>
cudaError_t prelu_backward(const T* grad_out, const T* x, const T* weight, T* grad_in,
                           T* grad_weight, double* workspace, ChannelLayout layout, int64_t n,
                           cudaStream_t stream);
int64_t prelu_workspace_doubles(ChannelLayout layout, int64_t n);

}  // namespace cuda
}  // namespace relulab
