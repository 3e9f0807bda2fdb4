// relulab's activation modules: drop-in replacements for LibTorch's
// torch::nn::ReLU, LeakyReLU, PReLU, GELU, Sigmoid, Tanh, ELU, SELU, SiLU and
// RReLU, computed by relulab's operators. Each is a TORCH_MODULE holder with
// the same Options, parameters and pretty_print format as LibTorch's.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <ostream>

#include "relulab/nn/options.h"

namespace relulab {
namespace nn {

/// max(x, 0)
class ReLUImpl : public torch::nn::Cloneable<ReLUImpl> {
 public:
  explicit ReLUImpl(const ReLUOptions& options_ = {});
  at::Tensor forward(at::Tensor input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  ReLUOptions options;
};
TORCH_MODULE(ReLU);

/// x > 0 ? x : negative_slope * x
class LeakyReLUImpl : public torch::nn::Cloneable<LeakyReLUImpl> {
 public:
  explicit LeakyReLUImpl(const LeakyReLUOptions& options_ = {});
  at::Tensor forward(at::Tensor input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  LeakyReLUOptions options;
};
TORCH_MODULE(LeakyReLU);

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

/// 1 / (1 + exp(-x))
class SigmoidImpl : public torch::nn::Cloneable<SigmoidImpl> {
 public:
  at::Tensor forward(const at::Tensor& input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
};
TORCH_MODULE(Sigmoid);

/// tanh(x)
class TanhImpl : public torch::nn::Cloneable<TanhImpl> {
 public:
  at::Tensor forward(const at::Tensor& input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
};
TORCH_MODULE(Tanh);

/// x > 0 ? x : alpha * (exp(x) - 1)
class ELUImpl : public torch::nn::Cloneable<ELUImpl> {
 public:
  explicit ELUImpl(const ELUOptions& options_ = {});
  at::Tensor forward(at::Tensor input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  ELUOptions options;
};
TORCH_MODULE(ELU);

/// scale * (x > 0 ? x : alpha * (exp(x) - 1)) with SELU's fixed constants.
class SELUImpl : public torch::nn::Cloneable<SELUImpl> {
 public:
  explicit SELUImpl(const SELUOptions& options_ = {});
  at::Tensor forward(at::Tensor input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  SELUOptions options;
};
TORCH_MODULE(SELU);

/// x * sigmoid(x)
class SiLUImpl : public torch::nn::Cloneable<SiLUImpl> {
 public:
  at::Tensor forward(const at::Tensor& input);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
};
TORCH_MODULE(SiLU);

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
