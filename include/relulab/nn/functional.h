// relulab::nn::functional: the activations as functions, with LibTorch's
// signatures (torch::nn::functional::leaky_relu(x, LeakyReLUFuncOptions())).
#pragma once

#include <ATen/core/Tensor.h>

#include "relulab/nn/options.h"

namespace relulab {
namespace nn {
namespace functional {

at::Tensor relu(at::Tensor input, const ReLUFuncOptions& options = {});
at::Tensor leaky_relu(at::Tensor input, const LeakyReLUFuncOptions& options = {});
/// weight: one slope, or one per channel (dim 1 of input).
at::Tensor prelu(const at::Tensor& input, const at::Tensor& weight);
at::Tensor gelu(const at::Tensor& input, const GELUFuncOptions& options = {});
at::Tensor sigmoid(const at::Tensor& input);
at::Tensor tanh(const at::Tensor& input);
at::Tensor elu(at::Tensor input, const ELUFuncOptions& options = {});
at::Tensor selu(at::Tensor input, const SELUFuncOptions& options = {});
at::Tensor silu(const at::Tensor& input);
at::Tensor rrelu(at::Tensor input, const RReLUFuncOptions& options = {});

}  // namespace functional
}  // namespace nn
}  // namespace relulab
