// The networks trials train: an MLP or a small CNN whose hidden layers all
// use the trial's activation, built so the statistics can see every hidden
// layer's pre-activations.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "lab/config/trial_config.h"

namespace relulab {
namespace lab {

/// One hidden layer: an affine map (Linear or 3x3 Conv2d) then the activation.
struct HiddenLayer {
  std::string kind;   // "linear" | "conv"
  int64_t units = 0;  // output features or channels
  torch::nn::AnyModule transform;
  torch::nn::AnyModule activation;
  at::Tensor weight;  // the transform's weight (for norms)
};

class NetworkImpl : public torch::nn::Module {
 public:
  NetworkImpl(const ModelConfig& model, const ActivationConfig& activation,
              const std::vector<int64_t>& input_shape, int64_t outputs);

  /// Logits (N, outputs). If `pre_activations` is given, each hidden layer's
  /// pre-activation (N, units) or (N, C, H, W) is appended to it.
  at::Tensor forward(const at::Tensor& x, std::vector<at::Tensor>* pre_activations = nullptr);

  const std::vector<HiddenLayer>& hidden() const { return hidden_; }
  /// The output layer (Linear) after the hidden layers.
  const torch::nn::Linear& head() const { return head_; }
  /// PReLU slope tensors, one per hidden layer (undefined for other activations).
  std::vector<at::Tensor> prelu_slopes() const;

 private:
  bool conv_ = false;
  std::vector<HiddenLayer> hidden_;
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(Network);

/// Re-initialises weights per model.init (biases to zero) unless "default";
/// gains follow docs/statistics.md. Uses the global generator (seeded per trial).
void initialise(Network& net, const ModelConfig& model, const ActivationConfig& activation);

/// The gain kaiming/xavier initialisation uses for this activation.
double activation_gain(const ActivationConfig& activation);

}  // namespace lab
}  // namespace relulab
