// The CNN's 2x2 max-pooling (stride 2, no padding), written for speed.
#pragma once

#include <ATen/ATen.h>

namespace relulab {
namespace lab {

/// torch::max_pool2d(x, 2) for a 4-D (N, C, H, W) tensor: the same values,
/// the same gradients, bit for bit (each window's first maximum in row-major
/// order takes the gradient; a NaN is the maximum, the last one in a window
/// winning, as in LibTorch's CPU kernel), odd H or W dropping the last
/// row/column. CPU float32/float64 tensors take relulab's loops; anything
/// else (CUDA, other dtypes) goes to torch::max_pool2d.
///
/// Why: LibTorch's CPU max_pool2d on NCHW tensors was 60% of a CNN epoch here
/// (8.2 ms forward for a 128x16x28x28 batch, 9.5 ms with backward, against
/// 0.8 ms for the same pooling in channels-last layout; LibTorch 1.13, one
/// thread): see docs/performance.md.
at::Tensor max_pool2x2(const at::Tensor& x);

}  // namespace lab
}  // namespace relulab
