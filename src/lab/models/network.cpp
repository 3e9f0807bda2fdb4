// Network construction and initialisation: see network.h.

#include "lab/models/network.h"

#include <cmath>
#include <numeric>

#include "lab/models/max_pool.h"
#include "relulab/nn/factory.h"
#include "relulab/nn/modules.h"

namespace relulab {
namespace lab {
namespace {

torch::nn::AnyModule make_layer_activation(const ActivationConfig& a, int64_t units) {
  nn::ActivationParams params = a.params;
  if (a.per_channel) params["num_parameters"] = static_cast<double>(units);
  return nn::make_activation(a.name, params);
}

}  // namespace

NetworkImpl::NetworkImpl(const ModelConfig& model, const ActivationConfig& activation,
                         const std::vector<int64_t>& input_shape, int64_t outputs) {
  conv_ = model.arch == Arch::kCnn;
  std::vector<int64_t> widths = model.hidden;
  if (model.depth > 0) widths.assign(model.depth, model.width);
  int64_t in = std::accumulate(input_shape.begin(), input_shape.end(), int64_t{1},
                               std::multiplies<int64_t>());
  if (conv_) {
    TORCH_CHECK(input_shape.size() == 3, "cnn needs (C, H, W) inputs");
    int64_t channels = input_shape[0], h = input_shape[1], w = input_shape[2];
    for (size_t i = 0; i < model.channels.size(); ++i) {
      const int64_t out = model.channels[i];
      auto conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, out, 3).padding(1));
      register_module("conv" + std::to_string(i), conv);
      auto act = make_layer_activation(activation, out);
      register_module("act" + std::to_string(i), act.ptr());
      hidden_.push_back({"conv", out, torch::nn::AnyModule(conv), act, conv->weight});
      channels = out;
      h /= 2;
      w /= 2;
    }
    in = channels * h * w;
    widths = model.dense;
  }
  // Linear hidden layers: the MLP's, or the CNN's after its conv blocks (named
  // after their position among all hidden layers, so module names stay unique).
  for (size_t i = 0; i < widths.size(); ++i) {
    auto linear = torch::nn::Linear(in, widths[i]);
    const std::string index = std::to_string(hidden_.size());
    register_module("fc" + index, linear);
    auto act = make_layer_activation(activation, widths[i]);
    register_module("act" + index, act.ptr());
    hidden_.push_back({"linear", widths[i], torch::nn::AnyModule(linear), act, linear->weight});
    in = widths[i];
  }
  head_ = register_module("head", torch::nn::Linear(in, outputs));
}

at::Tensor NetworkImpl::forward(const at::Tensor& input, std::vector<at::Tensor>* pre) {
  at::Tensor x = conv_ ? input : input.flatten(1);
  for (auto& layer : hidden_) {
    const bool conv = layer.kind == "conv";
    if (!conv && x.dim() > 2) x = x.flatten(1);  // the first linear layer after the convs
    const at::Tensor z = layer.transform.forward(x);
    if (pre) pre->push_back(z);
    x = layer.activation.forward(z);
    if (conv) x = max_pool2x2(x);
  }
  return head_->forward(x.dim() > 2 ? x.flatten(1) : x);
}

std::vector<at::Tensor> NetworkImpl::prelu_slopes() const {
  std::vector<at::Tensor> slopes;
  for (const auto& layer : hidden_) {
    const auto params = layer.activation.ptr()->named_parameters();
    slopes.push_back(params.contains("weight") ? params["weight"] : at::Tensor());
  }
  return slopes;
}

double activation_gain(const ActivationConfig& a) {
  return nn::activation_init_gain(a.name, a.params);
}

void initialise(Network& net, const ModelConfig& model, const ActivationConfig& activation) {
  if (model.init == Init::kDefault) return;
  torch::NoGradGuard no_grad;
  const double gain = activation_gain(activation);
  for (const auto& layer : net->hidden()) {
    at::Tensor w = layer.weight;
    const int64_t fan_in = w[0].numel();
    const int64_t fan_out = w.size(0) * (w.dim() > 2 ? w[0][0].numel() : 1);
    if (model.init == Init::kKaimingNormal) {
      w.normal_(0, gain / std::sqrt(static_cast<double>(fan_in)));
    } else if (model.init == Init::kKaimingUniform) {
      const double bound = gain * std::sqrt(3.0 / fan_in);
      w.uniform_(-bound, bound);
    } else if (model.init == Init::kXavierNormal) {
      w.normal_(0, gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)));
    } else if (model.init == Init::kOrthogonal) {
      torch::nn::init::orthogonal_(w, gain);
    }
    for (auto& p : layer.transform.ptr()->named_parameters()) {
      if (p.key() == "bias") p.value().zero_();
    }
  }
}

}  // namespace lab
}  // namespace relulab
