// The activations' backprop: see activation_backprop.h.

#include "lab/train/activation_backprop.h"

#include <functional>
#include <string>
#include <tuple>
#include <utility>

#include "relulab/nn/modules.h"
#include "relulab/ops.h"

namespace relulab {
namespace lab {
namespace {

// Every activation of the registry: relulab::<op> forward, relulab::<op>_backward
// on the input or the output, with the module's scalars.
class PointwiseBackprop final : public ActivationBackprop {
 public:
  using Forward = std::function<at::Tensor(const at::Tensor&)>;
  using Backward = std::function<at::Tensor(const at::Tensor&, const at::Tensor&)>;
  PointwiseBackprop(Forward forward, Backward backward, bool saves_output)
      : forward_(std::move(forward)), backward_(std::move(backward)), saves_output_(saves_output) {}

  at::Tensor forward(const at::Tensor& z) override {
    at::Tensor output = forward_(z);
    saved_ = saves_output_ ? output : z;
    return output;
  }
  at::Tensor backward(const at::Tensor& grad_output) override {
    return backward_(grad_output, saved_);
  }

 private:
  Forward forward_;
  Backward backward_;
  bool saves_output_;
  at::Tensor saved_;
};

class PreluBackprop final : public ActivationBackprop {
 public:
  explicit PreluBackprop(at::Tensor weight) : weight_(std::move(weight)) {}
  at::Tensor forward(const at::Tensor& z) override {
    input_ = z;
    return ops::prelu(z, weight_);
  }
  at::Tensor backward(const at::Tensor& grad_output) override {
    auto [grad_input, grad_weight] = ops::prelu_backward(grad_output, input_, weight_);
    weight_.mutable_grad() = grad_weight;
    return grad_input;
  }

 private:
  at::Tensor weight_, input_;
};

class GeluBackprop final : public ActivationBackprop {
 public:
  explicit GeluBackprop(std::string approximate) : approximate_(std::move(approximate)) {}
  at::Tensor forward(const at::Tensor& z) override {
    input_ = z;
    return ops::gelu(z, approximate_);
  }
  at::Tensor backward(const at::Tensor& grad_output) override {
    return ops::gelu_backward(grad_output, input_, approximate_);
  }

 private:
  std::string approximate_;
  at::Tensor input_;
};

// Training mode: each non-positive element's slope drawn from the global
// generator, in the order the module's forward draws them.
class RreluBackprop final : public ActivationBackprop {
 public:
  RreluBackprop(double lower, double upper) : lower_(lower), upper_(upper) {}
  at::Tensor forward(const at::Tensor& z) override {
    input_ = z;
    at::Tensor output;
    std::tie(output, noise_) = ops::rrelu_with_noise(z, lower_, upper_, /*training=*/true);
    return output;
  }
  at::Tensor backward(const at::Tensor& grad_output) override {
    return ops::rrelu_backward(grad_output, input_, noise_, lower_, upper_, /*training=*/true);
  }

 private:
  double lower_, upper_;
  at::Tensor input_, noise_;
};

}  // namespace

std::unique_ptr<ActivationBackprop> make_activation_backprop(
    const torch::nn::AnyModule& activation) {
  torch::nn::Module* module = activation.ptr().get();
  // `[=]`, not `[options]`: activations without scalars leave it unused.
#define RELULAB_OPTION_VALUE(name, value, kind, meaning) , options.name()
#define RELULAB_POINTWISE_BACKPROP(Module, op, Kernel, SavesWhat, Inplace, Agreement, Kink, Gain, \
                                   PARAMS)                                                        \
  if (const auto* m = module->as<nn::Module##Impl>()) {                                           \
    [[maybe_unused]] const nn::Module##Options options = m->options;                              \
    return std::make_unique<PointwiseBackprop>(                                                   \
        [=](const at::Tensor& z) { return ops::op(z PARAMS(RELULAB_OPTION_VALUE)); },             \
        [=](const at::Tensor& g, const at::Tensor& saved) {                                       \
          return ops::op##_backward(g, saved PARAMS(RELULAB_OPTION_VALUE));                       \
        },                                                                                        \
        activations::Module::saves == activations::Saves::Output);                                \
  }
  RELULAB_ACTIVATIONS(RELULAB_POINTWISE_BACKPROP)
#undef RELULAB_POINTWISE_BACKPROP
#undef RELULAB_OPTION_VALUE
  if (auto* m = module->as<nn::PReLUImpl>()) return std::make_unique<PreluBackprop>(m->weight);
  if (const auto* m = module->as<nn::GELUImpl>()) {
    return std::make_unique<GeluBackprop>(m->options.approximate());
  }
  if (const auto* m = module->as<nn::RReLUImpl>()) {
    return std::make_unique<RreluBackprop>(m->options.lower(), m->options.upper());
  }
  return nullptr;
}

}  // namespace lab
}  // namespace relulab
