// relulab's activation operators as plain C++ functions.
//
// Each call goes through PyTorch's dispatcher to the operator registered as
// relulab::<name> (see src/ops/registration.cpp), so the device's kernel is
// chosen there and autograd records the op. The same operators are reachable
// from Python as torch.ops.relulab.<name> after torch.ops.load_library().
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/util/Optional.h>

#include <string>
#include <tuple>

#include "relulab/activations.h"

namespace relulab {
namespace ops {

using activations::kSeluAlpha;
using activations::kSeluScale;

// Every activation of the registry (relulab/activations.h), with its scalars
// in the registry's order and defaults, e.g.
//   at::Tensor softplus(const at::Tensor& self, double beta = 1.0, double threshold = 20.0);
//   at::Tensor softplus_backward(const at::Tensor& grad_output, const at::Tensor& saved,
//                                double beta, double threshold);
// `saved` is the input or the output, per Note [What backward reads].
#define RELULAB_DECLARE_OP(Module, op, Kernel, Saves, Inplace, Agreement, Kink, Gain, PARAMS) \
  at::Tensor op(const at::Tensor& self PARAMS(RELULAB_PARAM_WITH_DEFAULT));                   \
  at::Tensor op##_backward(const at::Tensor& grad_output,                                     \
                           const at::Tensor& saved PARAMS(RELULAB_PARAM_DECLARATION));
RELULAB_ACTIVATIONS(RELULAB_DECLARE_OP)
#undef RELULAB_DECLARE_OP

/// weight has one element (shared slope) or one per channel, channels being
/// dim 1 of self (self.dim() >= 2).
at::Tensor prelu(const at::Tensor& self, const at::Tensor& weight);
/// Returns (grad_self, grad_weight), both from one pass over the data.
std::tuple<at::Tensor, at::Tensor> prelu_backward(const at::Tensor& grad_output,
                                                  const at::Tensor& self, const at::Tensor& weight);

/// approximate: "none" (exact, erf) or "tanh".
at::Tensor gelu(const at::Tensor& self, const std::string& approximate = "none");
at::Tensor gelu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                         const std::string& approximate = "none");

/// Randomised leaky ReLU (Xu et al. 2015). In training each non-positive
/// element gets its own slope drawn from U(lower, upper); in eval the slope is
/// (lower + upper) / 2.
at::Tensor rrelu(const at::Tensor& self, double lower = 1.0 / 8.0, double upper = 1.0 / 3.0,
                 bool training = false, c10::optional<at::Generator> generator = c10::nullopt);
/// Returns (output, noise): noise holds the slope applied to each element
/// (1 where self > 0) in training, and is empty in eval.
std::tuple<at::Tensor, at::Tensor> rrelu_with_noise(
    const at::Tensor& self, double lower, double upper, bool training,
    c10::optional<at::Generator> generator = c10::nullopt);
at::Tensor rrelu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                          const at::Tensor& noise, double lower, double upper, bool training);

/// The SIMD instruction set the CPU kernels run with on this machine.
std::string cpu_simd_target();

}  // namespace ops
}  // namespace relulab
