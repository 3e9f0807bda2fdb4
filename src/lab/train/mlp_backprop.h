// An MLP's training step written out, without autograd.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "lab/models/network.h"
#include "lab/train/activation_backprop.h"

namespace relulab {
namespace lab {

// Note [The MLP step without autograd]
// An MLP's step is 8 matrix products and a few small passes; with autograd
// it also builds ~20 graph nodes per step, saves their variables, runs the
// engine and accumulates the gradients: ~0.15 ms a step, about a tenth of
// the matrix products' 1.6 ms (docs/performance.md). MlpBackprop computes the
// same step with the calls autograd would make, in the same order on the
// same tensors, so the loss, every gradient and every pre-activation
// gradient are bit-identical to net->forward + torch::cross_entropy_loss +
// loss.backward() (tests/lab/mlp_backprop_test.cpp, every activation):
//   forward   at::linear's addmm(bias, input, weight.t()); the activation's
//             operator; cross_entropy_loss's _log_softmax and nll_loss_forward;
//   backward  nll_loss_backward and _log_softmax_backward_data on a seed of
//             ones; the activation's backward operator; addmm's derivatives
//             (derivatives.yaml): mm_mat2_backward for weight.t(), then the
//             transpose's; mm_mat1_backward for the input; and the engine's
//             sum_to for the broadcast bias.
// CNNs (convolution and pooling backward) keep autograd.
class MlpBackprop {
 public:
  /// Whether `net` can be trained so: no convolutions, and every activation
  /// has an ActivationBackprop.
  static bool supports(Network& net);
  explicit MlpBackprop(Network& net);

  /// The mean cross-entropy of the network on (x, y), as a 0-dim tensor;
  /// each hidden layer's pre-activation appended to `pre` if given. Keeps
  /// what backward needs.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& y,
                     std::vector<at::Tensor>* pre = nullptr);
  /// The logits of the last forward.
  const at::Tensor& logits() const { return logits_; }
  /// Sets every parameter's gradient (.grad()) to that of the last forward's
  /// loss; each hidden layer's pre-activation gradient appended to
  /// `pre_grads` if given, first layer first.
  void backward(std::vector<at::Tensor>* pre_grads = nullptr);

 private:
  struct Affine {
    at::Tensor weight, bias;
    std::unique_ptr<ActivationBackprop> activation;  // null for the head
  };
  std::vector<Affine> layers_;  // the hidden layers, then the head
  // Saved by forward.
  std::vector<at::Tensor> inputs_;  // each layer's input
  at::Tensor logits_, log_probs_, target_, loss_, total_weight_;
};

}  // namespace lab
}  // namespace relulab
