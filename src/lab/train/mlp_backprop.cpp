// The MLP's written-out training step: see Note [The MLP step without
// autograd] in mlp_backprop.h.

#include "lab/train/mlp_backprop.h"

#include <torch/torch.h>

#include <algorithm>

namespace relulab {
namespace lab {
namespace {

// The Reduction and ignore_index torch::cross_entropy_loss uses by default.
constexpr int64_t kReduction = at::Reduction::Mean;
constexpr int64_t kIgnoreIndex = -100;

bool column_major(const at::Tensor& m) { return m.stride(0) == 1 && m.stride(1) == m.size(0); }

// z = addmm(bias, input, weight.t()): d loss / d weight is autograd's
// mm_mat2_backward for mat2 = weight.t() (FunctionsManual.cpp), transposed
// back by t()'s backward.
at::Tensor weight_grad(const at::Tensor& grad, const at::Tensor& input, const at::Tensor& weight) {
  const auto mat2 = weight.t();
  const auto grad_mat2 = column_major(mat2) ? grad.t().mm(input).t() : input.t().mm(grad);
  return grad_mat2.t();
}

// ... and d loss / d input is mm_mat1_backward.
at::Tensor input_grad(const at::Tensor& grad, const at::Tensor& input, const at::Tensor& weight) {
  const auto mat2 = weight.t();
  return column_major(input) ? mat2.mm(grad.t()).t() : grad.mm(mat2.t());
}

torch::nn::LinearImpl* linear_of(const HiddenLayer& layer) {
  return layer.transform.ptr()->as<torch::nn::LinearImpl>();
}

}  // namespace

bool MlpBackprop::supports(Network& net) {
  return std::all_of(net->hidden().begin(), net->hidden().end(), [](const HiddenLayer& layer) {
    const auto* linear = linear_of(layer);
    return linear && linear->bias.defined() && make_activation_backprop(layer.activation);
  });
}

MlpBackprop::MlpBackprop(Network& net) {
  for (const auto& layer : net->hidden()) {
    const auto* linear = linear_of(layer);
    auto activation = make_activation_backprop(layer.activation);
    TORCH_CHECK(linear && linear->bias.defined() && activation,
                "MlpBackprop: not an MLP of known activations");
    layers_.push_back({linear->weight, linear->bias, std::move(activation)});
  }
  layers_.push_back({net->head()->weight, net->head()->bias, nullptr});
}

at::Tensor MlpBackprop::forward(const at::Tensor& x, const at::Tensor& y,
                                std::vector<at::Tensor>* pre) {
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  inputs_.clear();
  at::Tensor a = x.flatten(1);
  for (auto& layer : layers_) {
    inputs_.push_back(a);
    const at::Tensor z = at::addmm(layer.bias, a, layer.weight.t());
    if (!layer.activation) {
      logits_ = z;
      break;
    }
    if (pre) pre->push_back(z);
    a = layer.activation->forward(z);
  }
  log_probs_ = at::_log_softmax(logits_, 1, /*half_to_float=*/false);
  target_ = y;
  std::tie(loss_, total_weight_) =
      at::nll_loss_forward(log_probs_, y, /*weight=*/{}, kReduction, kIgnoreIndex);
  return loss_;
}

void MlpBackprop::backward(std::vector<at::Tensor>* pre_grads) {
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  at::Tensor grad = at::ones_like(loss_, LEGACY_CONTIGUOUS_MEMORY_FORMAT);
  grad = at::nll_loss_backward(grad, log_probs_, target_, /*weight=*/{}, kReduction, kIgnoreIndex,
                               total_weight_);
  grad = at::_log_softmax_backward_data(grad, log_probs_, 1, log_probs_.scalar_type());
  std::vector<at::Tensor> preact;
  for (size_t l = layers_.size(); l-- > 0;) {
    auto& layer = layers_[l];
    if (layer.activation) {
      grad = layer.activation->backward(grad);
      preact.push_back(grad);
    }
    const auto& input = inputs_[l];
    layer.bias.mutable_grad() = at::sum_to(grad, layer.bias.sizes());
    layer.weight.mutable_grad() = weight_grad(grad, input, layer.weight);
    if (l > 0) grad = input_grad(grad, input, layer.weight);
  }
  if (pre_grads) pre_grads->insert(pre_grads->end(), preact.rbegin(), preact.rend());
}

}  // namespace lab
}  // namespace relulab
