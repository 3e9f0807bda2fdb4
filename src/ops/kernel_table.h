// The operators' kernels for one backend, from its Tensor-level launchers.
//
// A backend (cpu::Launchers, cuda::Launchers) provides pointwise_forward,
// pointwise_backward, prelu, prelu_backward, rrelu_training and
// rrelu_training_backward; this header maps every schema of registration.cpp onto
// them (the generated ones from relulab/activations.h), so adding a backend is
// one TORCH_LIBRARY_IMPL block (see register_kernels) and the per-op
// parameter handling exists once.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <c10/util/Exception.h>
#include <c10/util/string_view.h>
#include <torch/library.h>

#include <tuple>
#include <utility>

#include "ops/checks.h"
#include "ops/op_descriptions.h"
#include "relulab/activations.h"

namespace relulab {
namespace kernels {

using activations::Pointwise;
using activations::PointwiseParams;
using at::Tensor;

using checks::gelu_kind;

/// The kernels of one generated activation (relulab/activations.h) on backend B.
template <class B, class Activation,
          class Indices = std::make_index_sequence<Activation::num_params>>
struct PointwiseKernels;
template <class B, class Activation, std::size_t... I>
struct PointwiseKernels<B, Activation, std::index_sequence<I...>> {
  static Tensor forward(const Tensor& self, ops::Double<I>... params) {
    return B::pointwise_forward(Activation::name, Activation::kernel, ops::pack_params(params...),
                                self);
  }
  static Tensor backward(const Tensor& grad_output, const Tensor& saved, ops::Double<I>... params) {
    return B::pointwise_backward(ops::backward_name<Activation>(), Activation::kernel,
                                 ops::pack_params(params...), grad_output, saved);
  }
};

/// The hand-written operators' kernels on backend B.
template <class B>
struct HandWrittenKernels {
  static Tensor gelu(const Tensor& self, c10::string_view approximate) {
    return B::pointwise_forward("gelu", gelu_kind(approximate), {}, self);
  }
  static Tensor gelu_backward(const Tensor& grad, const Tensor& self,
                              c10::string_view approximate) {
    return B::pointwise_backward("gelu_backward", gelu_kind(approximate), {}, grad, self);
  }
  // RReLU in eval mode is a leaky ReLU with the mean slope, as is its
  // backward over a (near-)degenerate range (LibTorch's rule); only training
  // needs the backend's random-slope kernels.
  static std::tuple<Tensor, Tensor> rrelu_with_noise(const Tensor& self, double lower, double upper,
                                                     bool training,
                                                     c10::optional<at::Generator> generator) {
    checks::rrelu_bounds(lower, upper);
    if (!training) {
      return std::make_tuple(B::pointwise_forward("rrelu", Pointwise::kLeakyRelu,
                                                  ops::pack_params((lower + upper) / 2), self),
                             at::empty({0}, self.options()));
    }
    return B::rrelu_training(self, lower, upper, std::move(generator));
  }
  static Tensor rrelu(const Tensor& self, double lower, double upper, bool training,
                      c10::optional<at::Generator> generator) {
    return std::get<0>(rrelu_with_noise(self, lower, upper, training, std::move(generator)));
  }
  static Tensor rrelu_backward(const Tensor& grad_output, const Tensor& self, const Tensor& noise,
                               double lower, double upper, bool training) {
    checks::rrelu_bounds(lower, upper);
    if (!training || upper - lower <= 1e-6) {
      return B::pointwise_backward("rrelu_backward", Pointwise::kLeakyRelu,
                                   ops::pack_params((lower + upper) / 2), grad_output, self);
    }
    checks::same_dtype_and_shape("rrelu_backward", grad_output, noise, "grad_output", "noise");
    checks::same_device("rrelu_backward", noise, {{"grad_output", &grad_output}});
    return B::rrelu_training_backward(grad_output, noise);
  }
};

/// The body of a TORCH_LIBRARY_IMPL(relulab, <key>, m) block for backend B.
template <class B>
void register_kernels(torch::Library& m) {
  activations::for_each_activation([&m](auto activation) {
    using Kernels = PointwiseKernels<B, decltype(activation)>;
    m.impl(activation.name, Kernels::forward);
    m.impl(ops::backward_name<decltype(activation)>(), Kernels::backward);
  });
  using H = HandWrittenKernels<B>;
  m.impl("prelu", B::prelu);
  m.impl("prelu_backward", B::prelu_backward);
  m.impl("gelu", H::gelu);
  m.impl("gelu_backward", H::gelu_backward);
  m.impl("rrelu", H::rrelu);
  m.impl("rrelu_with_noise", H::rrelu_with_noise);
  m.impl("rrelu_backward", H::rrelu_backward);
}

}  // namespace kernels
}  // namespace relulab
