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

#define RELULAB_OPTION_ARGUMENT(name, value, kind, meaning) , options.name()
#define RELULAB_DEFINE_FUNCTION(Module, op, Kernel, Saves, Inplace, Agreement, Kink, Gain, PARAMS) \
  at::Tensor op(at::Tensor input, const Module##FuncOptions& options) {                            \
    return maybe_inplace(input, inplace_of(options),                                               \
                         ops::op(input PARAMS(RELULAB_OPTION_ARGUMENT)));                          \
  }
RELULAB_ACTIVATIONS(RELULAB_DEFINE_FUNCTION)
#undef RELULAB_DEFINE_FUNCTION
#undef RELULAB_OPTION_ARGUMENT

at::Tensor prelu(const at::Tensor& input, const at::Tensor& weight) {
  return ops::prelu(input, weight);
}

at::Tensor gelu(const at::Tensor& input, const GELUFuncOptions& options) {
  return ops::gelu(input, options.approximate());
}

at::Tensor rrelu(at::Tensor input, const RReLUFuncOptions& options) {
  return maybe_inplace(input, options.inplace(),
                       ops::rrelu(input, options.lower(), options.upper(), options.training()));
}

}  // namespace functional
}  // namespace nn
}  // namespace relulab
