// relulab's activation modules: drop-in replacements for LibTorch's
// torch::nn::ReLU, LeakyReLU, PReLU, GELU, Sigmoid, Tanh, ELU, SELU, SiLU,
// RReLU and the rest of relulab/activations.h, computed by relulab's operators. Each is a
// TORCH_MODULE holder with the same Options, parameters and pretty_print format as LibTorch's.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <ostream>

#include "relulab/nn/options.h"

namespace relulab {
namespace nn {

// The module of every activation in the registry (relulab/activations.h),
// e.g. SoftplusImpl with `SoftplusOptions options` and TORCH_MODULE(Softplus).
// pretty_print shows every scalar (relulab::nn::Softplus(beta=1, threshold=20)).
#define RELULAB_DECLARE_MODULE(Module, ...)                        \
  class Module##Impl : public torch::nn::Cloneable<Module##Impl> { \
   public:                                                         \
    explicit Module##Impl(const Module##Options& options_ = {});   \
    at::Tensor forward(at::Tensor input);                          \
    void reset() override;                                         \
    void pretty_print(std::ostream& stream) const override;        \
    Module##Options options;                                       \
  };                                                               \
  TORCH_MODULE(Module);
RELULAB_ACTIVATIONS(RELULAB_DECLARE_MODULE)
#undef RELULAB_DECLARE_MODULE

/// x > 0 ? x : a * x with learned slopes a, registered as parameter "weight".
class PReLUImpl : public torch::nn::Cloneable<PReLUImpl> {
 public:
  explicit PReLUImpl(const PReLUOptions& options_ = {});
  at::Tensor forward(const at::Tensor& input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  PReLUOptions options;
  /// The learned slopes, shape {num_parameters}.
  at::Tensor weight;
};
TORCH_MODULE(PReLU);

/// x * Phi(x), exact or tanh-approximated.
class GELUImpl : public torch::nn::Cloneable<GELUImpl> {
 public:
  explicit GELUImpl(GELUOptions options_ = {});
  at::Tensor forward(const at::Tensor& input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  GELUOptions options;
};
TORCH_MODULE(GELU);

/// Random slopes from U(lower, upper) when training, their mean in eval.
class RReLUImpl : public torch::nn::Cloneable<RReLUImpl> {
 public:
  explicit RReLUImpl(const RReLUOptions& options_ = {});
  at::Tensor forward(at::Tensor input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  RReLUOptions options;
};
TORCH_MODULE(RReLU);

}  // namespace nn
}  // namespace relulab
