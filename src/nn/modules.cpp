// relulab's activation modules: options checked in reset(), maths in the
// functional layer, printing in LibTorch's format.

#include "relulab/nn/modules.h"

#include <torch/torch.h>

#include "relulab/nn/functional.h"

namespace relulab {
namespace nn {

namespace F = functional;

ReLUImpl::ReLUImpl(const ReLUOptions& options_) : options(options_) {}
at::Tensor ReLUImpl::forward(at::Tensor input) {
  return F::relu(std::move(input), options);
}
void ReLUImpl::reset() {}
void ReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::ReLU(";
  if (options.inplace()) stream << std::boolalpha << "inplace=true";
  stream << ")";
}

LeakyReLUImpl::LeakyReLUImpl(const LeakyReLUOptions& options_)
    : options(options_) {}
at::Tensor LeakyReLUImpl::forward(at::Tensor input) {
  return F::leaky_relu(std::move(input), options);
}
void LeakyReLUImpl::reset() {}
void LeakyReLUImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha
         << "relulab::nn::LeakyReLU(negative_slope=" << options.negative_slope();
  if (options.inplace()) stream << std::boolalpha << ", inplace=true";
  stream << ")";
}

PReLUImpl::PReLUImpl(const PReLUOptions& options_) : options(options_) {
  reset();
}
at::Tensor PReLUImpl::forward(const at::Tensor& input) {
  return F::prelu(input, weight);
}
void PReLUImpl::reset() {
  TORCH_CHECK(options.num_parameters() >= 1,
              "relulab::nn::PReLU: num_parameters must be at least 1, but got ",
              options.num_parameters());
  weight = register_parameter(
      "weight", torch::full(options.num_parameters(), options.init()));
}
void PReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::PReLU(num_parameters=" << options.num_parameters()
         << ")";
}

GELUImpl::GELUImpl(GELUOptions options_) : options(std::move(options_)) {
  reset();
}
at::Tensor GELUImpl::forward(const at::Tensor& input) {
  return F::gelu(input, options);
}
void GELUImpl::reset() {
  TORCH_CHECK(options.approximate() == "none" || options.approximate() == "tanh",
              "relulab::nn::GELU: approximate must be \"none\" or \"tanh\", "
              "but got \"", options.approximate(), "\"");
}
void GELUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::GELU()";
}

at::Tensor SigmoidImpl::forward(const at::Tensor& input) {
  return F::sigmoid(input);
}
void SigmoidImpl::reset() {}
void SigmoidImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::Sigmoid()";
}

at::Tensor TanhImpl::forward(const at::Tensor& input) { return F::tanh(input); }
void TanhImpl::reset() {}
void TanhImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::Tanh()";
}

ELUImpl::ELUImpl(const ELUOptions& options_) : options(options_) {}
at::Tensor ELUImpl::forward(at::Tensor input) {
  return F::elu(std::move(input), options);
}
void ELUImpl::reset() {}
void ELUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::ELU(alpha=" << options.alpha();
  if (options.inplace()) stream << std::boolalpha << ", inplace=true";
  stream << ")";
}

SELUImpl::SELUImpl(const SELUOptions& options_) : options(options_) {}
at::Tensor SELUImpl::forward(at::Tensor input) {
  return F::selu(std::move(input), options);
}
void SELUImpl::reset() {}
void SELUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::SELU(";
  if (options.inplace()) stream << std::boolalpha << "inplace=true";
  stream << ")";
}

at::Tensor SiLUImpl::forward(const at::Tensor& input) { return F::silu(input); }
void SiLUImpl::reset() {}
void SiLUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::SiLU()";
}

RReLUImpl::RReLUImpl(const RReLUOptions& options_) : options(options_) {
  reset();
}
at::Tensor RReLUImpl::forward(at::Tensor input) {
  return F::rrelu(std::move(input), F::RReLUFuncOptions()
                                        .lower(options.lower())
                                        .upper(options.upper())
                                        .training(is_training())
                                        .inplace(options.inplace()));
}
void RReLUImpl::reset() {
  TORCH_CHECK(options.lower() <= options.upper(),
              "relulab::nn::RReLU: expected lower <= upper, but got lower=",
              options.lower(), " and upper=", options.upper());
}
void RReLUImpl::pretty_print(std::ostream& stream) const {
  stream << "relulab::nn::RReLU(lower=" << options.lower()
         << ", upper=" << options.upper();
  if (options.inplace()) stream << std::boolalpha << ", inplace=true";
  stream << ")";
}

}  // namespace nn
}  // namespace relulab
