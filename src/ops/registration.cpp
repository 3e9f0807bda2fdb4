// The relulab operator library: schemas, CPU kernels and autograd.
//
// Schemas are declared once (TORCH_LIBRARY), generated from the registry
// (relulab/activations.h) except for the hand-written ops; each backend registers its
// kernels under its dispatch key (CPU here, CUDA in cuda/launch.cu, both
// through kernel_table.h), and the Autograd key wires every forward to its
// backward operator, so gradients flow the same way from C++ and Python.

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/library.h>

#include <utility>
#include <vector>

#include "ops/cpu/launch.h"
#include "ops/kernel_table.h"
#include "ops/op_descriptions.h"
#include "relulab/ops.h"

namespace relulab {
namespace {

using at::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// ------------------------------------------------------------------- autograd
//
// Each Function calls the forward operator below the Autograd key (so the
// backend kernel runs) and saves what the backward operator reads; see
// Note [What backward reads] in ops/cpu/kernels.h.

// The autograd of every generated activation (relulab/activations.h): the
// forward saves its input or output, per the registry, and its scalars.
template <class Activation, class Indices = std::make_index_sequence<Activation::num_params>>
struct PointwiseFunction;
template <class Activation, std::size_t... I>
struct PointwiseFunction<Activation, std::index_sequence<I...>>
    : torch::autograd::Function<PointwiseFunction<Activation>> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self, ops::Double<I>... params) {
    at::AutoDispatchBelowADInplaceOrView guard;
    static const auto op = c10::Dispatcher::singleton()
                               .findSchemaOrThrow(ops::qualified_name<Activation>(), "")
                               .template typed<Tensor(const Tensor&, ops::Double<I>...)>();
    Tensor result = op.call(self, params...);
    ctx->save_for_backward({Activation::saves == activations::Saves::Output ? result : self});
    ctx->saved_data["params"] = std::vector<double>{params...};
    return result;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    static const auto op =
        c10::Dispatcher::singleton()
            .findSchemaOrThrow(ops::qualified_backward_name<Activation>(), "")
            .template typed<Tensor(const Tensor&, const Tensor&, ops::Double<I>...)>();
    const std::vector<double> params = ctx->saved_data["params"].toDoubleVector();
    return {op.call(grads[0], ctx->get_saved_variables()[0], params[I]...), (void(I), Tensor())...};
  }
  // What the Autograd key runs for relulab::<op>.
  static Tensor apply_op(const Tensor& self, ops::Double<I>... params) {
    return PointwiseFunction::apply(self, params...);
  }
};

struct PreluFunction : torch::autograd::Function<PreluFunction> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self, const Tensor& weight) {
    at::AutoDispatchBelowADInplaceOrView guard;
    ctx->save_for_backward({self, weight});
    return ops::prelu(self, weight);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    auto [grad_self, grad_weight] = ops::prelu_backward(grads[0], saved[0], saved[1]);
    return {grad_self, grad_weight};
  }
};

struct GeluFunction : torch::autograd::Function<GeluFunction> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self, c10::string_view approximate) {
    at::AutoDispatchBelowADInplaceOrView guard;
    ctx->save_for_backward({self});
    ctx->saved_data["approximate"] = std::string(approximate);
    return ops::gelu(self, std::string(approximate));
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    return {ops::gelu_backward(grads[0], ctx->get_saved_variables()[0],
                               ctx->saved_data["approximate"].toStringRef()),
            Tensor()};
  }
};

struct RreluFunction : torch::autograd::Function<RreluFunction> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self, double lower, double upper,
                        bool training, c10::optional<at::Generator> generator) {
    at::AutoDispatchBelowADInplaceOrView guard;
    auto [result, noise] =
        ops::rrelu_with_noise(self, lower, upper, training, std::move(generator));
    ctx->save_for_backward({self, noise});
    ctx->saved_data["lower"] = lower;
    ctx->saved_data["upper"] = upper;
    ctx->saved_data["training"] = training;
    return result;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    return {ops::rrelu_backward(grads[0], saved[0], saved[1], ctx->saved_data["lower"].toDouble(),
                                ctx->saved_data["upper"].toDouble(),
                                ctx->saved_data["training"].toBool()),
            Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

Tensor prelu_autograd(const Tensor& self, const Tensor& weight) {
  return PreluFunction::apply(self, weight);
}
Tensor gelu_autograd(const Tensor& self, c10::string_view approximate) {
  return GeluFunction::apply(self, approximate);
}
Tensor rrelu_autograd(const Tensor& self, double lower, double upper, bool training,
                      c10::optional<at::Generator> generator) {
  return RreluFunction::apply(self, lower, upper, training, std::move(generator));
}

}  // namespace
}  // namespace relulab

TORCH_LIBRARY(relulab, m) {
  relulab::activations::for_each_activation([&m](auto activation) {
    using Activation = decltype(activation);
    m.def(torch::schema(relulab::ops::forward_schema<Activation>().c_str()));
    m.def(torch::schema(relulab::ops::backward_schema<Activation>().c_str()));
  });
  m.def("prelu(Tensor self, Tensor weight) -> Tensor");
  m.def("prelu_backward(Tensor grad_output, Tensor self, Tensor weight) -> (Tensor, Tensor)");
  m.def("gelu(Tensor self, str approximate='none') -> Tensor");
  m.def("gelu_backward(Tensor grad_output, Tensor self, str approximate='none') -> Tensor");
  m.def(
      "rrelu(Tensor self, float lower=0.125, float upper=0.3333333333333333, bool training=False, "
      "Generator? generator=None) -> Tensor");
  m.def(
      "rrelu_with_noise(Tensor self, float lower=0.125, float upper=0.3333333333333333, bool "
      "training=False, Generator? generator=None) -> (Tensor, Tensor)");
  m.def(
      "rrelu_backward(Tensor grad_output, Tensor self, Tensor noise, float lower, float upper, "
      "bool training) -> Tensor");
}

// The CPU launchers as a backend for kernel_table.h (the CUDA one is in
// cuda/launch.cu, compiled with a CUDA LibTorch).
namespace relulab {
namespace cpu {
struct Launchers {
  static constexpr auto pointwise_forward = pointwise_forward_cpu;
  static constexpr auto pointwise_backward = pointwise_backward_cpu;
  static constexpr auto prelu = prelu_cpu;
  static constexpr auto prelu_backward = prelu_backward_cpu;
  static constexpr auto rrelu_training = rrelu_training_cpu;
  static constexpr auto rrelu_training_backward = rrelu_training_backward_cpu;
};
}  // namespace cpu
}  // namespace relulab

TORCH_LIBRARY_IMPL(relulab, CPU, m) {
  relulab::kernels::register_kernels<relulab::cpu::Launchers>(m);
}

TORCH_LIBRARY_IMPL(relulab, Autograd, m) {
  using namespace relulab;
  activations::for_each_activation([&m](auto activation) {
    m.impl(activation.name, PointwiseFunction<decltype(activation)>::apply_op);
  });
  m.impl("prelu", prelu_autograd);
  m.impl("gelu", gelu_autograd);
  m.impl("rrelu", rrelu_autograd);
}
