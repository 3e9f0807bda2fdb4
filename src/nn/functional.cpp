// relulab::nn::functional: options unpacked onto the operators.

#include "relulab/nn/functional.h"

#include <torch/torch.h>

#include "relulab/ops.h"

namespace relulab {
namespace nn {
namespace functional {
namespace {

// See Note [inplace].
at::Tensor maybe_inplace(at::Tensor& input, bool inplace, at::Tensor result) {
  const bool tracked = torch::GradMode::is_enabled() && input.requires_grad();
  if (!inplace || tracked) return result;
  return input.copy_(result);
}

}  // namespace

at::Tensor relu(at::Tensor input, const ReLUFuncOptions& options) {
  return maybe_inplace(input, options.inplace(), ops::relu(input));
}

at::Tensor leaky_relu(at::Tensor input, const LeakyReLUFuncOptions& options) {
  return maybe_inplace(input, options.inplace(),
                       ops::leaky_relu(input, options.negative_slope()));
}

at::Tensor prelu(const at::Tensor& input, const at::Tensor& weight) {
  return ops::prelu(input, weight);
}

at::Tensor gelu(const at::Tensor& input, const GELUFuncOptions& options) {
  return ops::gelu(input, options.approximate());
}

at::Tensor sigmoid(const at::Tensor& input) { return ops::sigmoid(input); }

at::Tensor tanh(const at::Tensor& input) { return ops::tanh(input); }

at::Tensor elu(at::Tensor input, const ELUFuncOptions& options) {
  return maybe_inplace(input, options.inplace(),
                       ops::elu(input, options.alpha(), /*scale=*/1.0,
                                /*input_scale=*/1.0));
}

at::Tensor selu(at::Tensor input, const SELUFuncOptions& options) {
  return maybe_inplace(input, options.inplace(), ops::selu(input));
}

at::Tensor silu(const at::Tensor& input) { return ops::silu(input); }

at::Tensor rrelu(at::Tensor input, const RReLUFuncOptions& options) {
  return maybe_inplace(input, options.inplace(),
                       ops::rrelu(input, options.lower(), options.upper(),
                                  options.training()));
}

}  // namespace functional
}  // namespace nn
}  // namespace relulab
