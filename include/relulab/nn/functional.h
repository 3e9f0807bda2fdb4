// relulab::nn::functional: the activations as functions, with LibTorch's
// signatures (torch::nn::functional::leaky_relu(x, LeakyReLUFuncOptions())).
#pragma once

#include <ATen/core/Tensor.h>

#include "relulab/nn/options.h"

namespace relulab {
namespace nn {
namespace functional {

// Every activation in the registry (relulab/activations.h), e.g.
//   at::Tensor softplus(at::Tensor input, const SoftplusFuncOptions& options = {});
#define RELULAB_DECLARE_FUNCTION(Module, op, ...) \
  at::Tensor op(at::Tensor input, const Module##FuncOptions& options = {});
RELULAB_ACTIVATIONS(RELULAB_DECLARE_FUNCTION)
#undef RELULAB_DECLARE_FUNCTION

/// weight: one slope, or one per channel (dim 1 of input).
at::Tensor prelu(const at::Tensor& input, const at::Tensor& weight);
at::Tensor gelu(const at::Tensor& input, const GELUFuncOptions& options = {});
at::Tensor rrelu(at::Tensor input, const RReLUFuncOptions& options = {});

}  // namespace functional
}  // namespace nn
}  // namespace relulab
