// The operators' kernels for one backend, from its Tensor-level launchers.
//
// A backend (cpu::Launchers, cuda::Launchers) provides pointwise_forward,
// pointwise_backward, prelu, prelu_backward, rrelu_with_noise and
// rrelu_backward; this header maps every schema of registration.cpp onto
// them, so adding a backend is one TORCH_LIBRARY_IMPL block (see
// register_kernels) and the per-op parameter handling exists once.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>
#include <c10/util/string_view.h>
#include <torch/library.h>

#include "ops/cpu/kernels.h"
#include "relulab/ops.h"

namespace relulab {
namespace kernels {

using at::Tensor;
using cpu::Pointwise;
using cpu::PointwiseParams;

inline PointwiseParams leaky(double negative_slope) {
  PointwiseParams p;
  p.negative_slope = negative_slope;
  return p;
}
inline PointwiseParams elu_params(double alpha, double scale, double input_scale) {
  PointwiseParams p;
  p.alpha = alpha;
  p.scale = scale;
  p.input_scale = input_scale;
  return p;
}
inline Pointwise gelu_kind(c10::string_view approximate) {
  if (approximate == "none") return Pointwise::kGelu;
  if (approximate == "tanh") return Pointwise::kGeluTanh;
  TORCH_CHECK(false, "relulab::gelu: approximate must be \"none\" or \"tanh\", but got \"",
              approximate, "\"");
}

template <class B>
struct Table {
  static Tensor relu(const Tensor& self) {
    return B::pointwise_forward("relu", Pointwise::kRelu, {}, self);
  }
  static Tensor relu_backward(const Tensor& grad, const Tensor& result) {
    return B::pointwise_backward("relu_backward", Pointwise::kRelu, {}, grad, result);
  }
  static Tensor leaky_relu(const Tensor& self, double slope) {
    return B::pointwise_forward("leaky_relu", Pointwise::kLeakyRelu, leaky(slope), self);
  }
  static Tensor leaky_relu_backward(const Tensor& grad, const Tensor& self, double slope) {
    return B::pointwise_backward("leaky_relu_backward", Pointwise::kLeakyRelu, leaky(slope), grad, self);
  }
  static Tensor gelu(const Tensor& self, c10::string_view approximate) {
    return B::pointwise_forward("gelu", gelu_kind(approximate), {}, self);
  }
  static Tensor gelu_backward(const Tensor& grad, const Tensor& self, c10::string_view approximate) {
    return B::pointwise_backward("gelu_backward", gelu_kind(approximate), {}, grad, self);
  }
  static Tensor sigmoid(const Tensor& self) {
    return B::pointwise_forward("sigmoid", Pointwise::kSigmoid, {}, self);
  }
  static Tensor sigmoid_backward(const Tensor& grad, const Tensor& result) {
    return B::pointwise_backward("sigmoid_backward", Pointwise::kSigmoid, {}, grad, result);
  }
  static Tensor tanh(const Tensor& self) {
    return B::pointwise_forward("tanh", Pointwise::kTanh, {}, self);
  }
  static Tensor tanh_backward(const Tensor& grad, const Tensor& result) {
    return B::pointwise_backward("tanh_backward", Pointwise::kTanh, {}, grad, result);
  }
  static Tensor elu(const Tensor& self, double alpha, double scale, double input_scale) {
    return B::pointwise_forward("elu", Pointwise::kElu, elu_params(alpha, scale, input_scale), self);
  }
  static Tensor elu_backward(const Tensor& grad, const Tensor& self, double alpha, double scale,
                             double input_scale) {
    return B::pointwise_backward("elu_backward", Pointwise::kElu,
                                 elu_params(alpha, scale, input_scale), grad, self);
  }
  static Tensor selu(const Tensor& self) {
    return B::pointwise_forward("selu", Pointwise::kElu,
                                elu_params(ops::kSeluAlpha, ops::kSeluScale, 1.0), self);
  }
  static Tensor selu_backward(const Tensor& grad, const Tensor& self) {
    return B::pointwise_backward("selu_backward", Pointwise::kElu,
                                 elu_params(ops::kSeluAlpha, ops::kSeluScale, 1.0), grad, self);
  }
  static Tensor silu(const Tensor& self) {
    return B::pointwise_forward("silu", Pointwise::kSilu, {}, self);
  }
  static Tensor silu_backward(const Tensor& grad, const Tensor& self) {
    return B::pointwise_backward("silu_backward", Pointwise::kSilu, {}, grad, self);
  }
  static Tensor rrelu(const Tensor& self, double lower, double upper, bool training,
                      c10::optional<at::Generator> generator) {
    return std::get<0>(B::rrelu_with_noise(self, lower, upper, training, std::move(generator)));
  }
};

/// The body of a TORCH_LIBRARY_IMPL(relulab, <key>, m) block for backend B.
template <class B>
void register_kernels(torch::Library& m) {
  using T = Table<B>;
  m.impl("relu", T::relu);
  m.impl("relu_backward", T::relu_backward);
  m.impl("leaky_relu", T::leaky_relu);
  m.impl("leaky_relu_backward", T::leaky_relu_backward);
  m.impl("prelu", B::prelu);
  m.impl("prelu_backward", B::prelu_backward);
  m.impl("gelu", T::gelu);
  m.impl("gelu_backward", T::gelu_backward);
  m.impl("sigmoid", T::sigmoid);
  m.impl("sigmoid_backward", T::sigmoid_backward);
  m.impl("tanh", T::tanh);
  m.impl("tanh_backward", T::tanh_backward);
  m.impl("elu", T::elu);
  m.impl("elu_backward", T::elu_backward);
  m.impl("selu", T::selu);
  m.impl("selu_backward", T::selu_backward);
  m.impl("silu", T::silu);
  m.impl("silu_backward", T::silu_backward);
  m.impl("rrelu", T::rrelu);
  m.impl("rrelu_with_noise", B::rrelu_with_noise);
  m.impl("rrelu_backward", B::rrelu_backward);
}

}  // namespace kernels
}  // namespace relulab
