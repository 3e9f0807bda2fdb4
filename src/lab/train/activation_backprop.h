// An activation applied outside autograd, with its backward called by hand:
// the activation's part of the MLP's written-out training step
// (Note [The MLP step without autograd] in mlp_backprop.h).
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/any.h>

#include <memory>

namespace relulab {
namespace lab {

/// One hidden layer's activation in training mode: forward keeps what the
/// activation's registered backward operator reads (its input or its output,
/// Note [What backward reads]); backward calls that operator, as the
/// operator's autograd function would.
class ActivationBackprop {
 public:
  virtual ~ActivationBackprop() = default;
  /// f(z), by the operator the module's forward calls.
  virtual at::Tensor forward(const at::Tensor& z) = 0;
  /// dL/dz from dL/df(z) of the last forward. PReLU also sets its slopes'
  /// gradient (.grad()), as loss.backward() would.
  virtual at::Tensor backward(const at::Tensor& grad_output) = 0;
};

/// The backprop of an activation module relulab::nn::make_activation built,
/// sharing its parameters; nullptr for any other module. Call its methods
/// below autograd (at::AutoDispatchBelowADInplaceOrView).
std::unique_ptr<ActivationBackprop> make_activation_backprop(
    const torch::nn::AnyModule& activation);

}  // namespace lab
}  // namespace relulab
