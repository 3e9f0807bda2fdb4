// The relulab operator library: schemas, CPU kernels and autograd.
//
// Schemas are declared once (TORCH_LIBRARY); each backend registers its
// kernels under its dispatch key (CPU here, CUDA in cuda/launch.cu, both
// through kernel_table.h), and the Autograd key wires every forward to its
// backward operator, so gradients flow the same way from C++ and Python.

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/library.h>

#include "ops/cpu/launch.h"
#include "ops/kernel_table.h"
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

struct LeakyReluFunction : torch::autograd::Function<LeakyReluFunction> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self, double slope) {
    at::AutoDispatchBelowADInplaceOrView guard;
    ctx->save_for_backward({self});
    ctx->saved_data["slope"] = slope;
    return ops::leaky_relu(self, slope);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    return {ops::leaky_relu_backward(grads[0], ctx->get_saved_variables()[0],
                                     ctx->saved_data["slope"].toDouble()),
            Tensor()};
  }
};

struct PreluFunction : torch::autograd::Function<PreluFunction> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self,
                        const Tensor& weight) {
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
  static Tensor forward(AutogradContext* ctx, const Tensor& self,
                        c10::string_view approximate) {
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

// Unary ops whose backward is op_backward(grad, saved) with no scalars.
template <Tensor (*Forward)(const Tensor&),
          Tensor (*Backward)(const Tensor&, const Tensor&), bool kSavesOutput>
struct UnaryFunction
    : torch::autograd::Function<UnaryFunction<Forward, Backward, kSavesOutput>> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self) {
    at::AutoDispatchBelowADInplaceOrView guard;
    Tensor result = Forward(self);
    ctx->save_for_backward({kSavesOutput ? result : self});
    return result;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    return {Backward(grads[0], ctx->get_saved_variables()[0])};
  }
};
using ReluFunction = UnaryFunction<ops::relu, ops::relu_backward, /*kSavesOutput=*/true>;
using SigmoidFunction = UnaryFunction<ops::sigmoid, ops::sigmoid_backward, true>;
using TanhFunction = UnaryFunction<ops::tanh, ops::tanh_backward, true>;
using SeluFunction = UnaryFunction<ops::selu, ops::selu_backward, false>;
using SiluFunction = UnaryFunction<ops::silu, ops::silu_backward, false>;

struct EluFunction : torch::autograd::Function<EluFunction> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self, double alpha,
                        double scale, double input_scale) {
    at::AutoDispatchBelowADInplaceOrView guard;
    ctx->save_for_backward({self});
    ctx->saved_data["alpha"] = alpha;
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["input_scale"] = input_scale;
    return ops::elu(self, alpha, scale, input_scale);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    return {ops::elu_backward(grads[0], ctx->get_saved_variables()[0],
                              ctx->saved_data["alpha"].toDouble(),
                              ctx->saved_data["scale"].toDouble(),
                              ctx->saved_data["input_scale"].toDouble()),
            Tensor(), Tensor(), Tensor()};
  }
};

struct RreluFunction : torch::autograd::Function<RreluFunction> {
  static Tensor forward(AutogradContext* ctx, const Tensor& self, double lower,
                        double upper, bool training,
                        c10::optional<at::Generator> generator) {
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
    return {ops::rrelu_backward(grads[0], saved[0], saved[1],
                                ctx->saved_data["lower"].toDouble(),
                                ctx->saved_data["upper"].toDouble(),
                                ctx->saved_data["training"].toBool()),
            Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

Tensor relu_autograd(const Tensor& self) { return ReluFunction::apply(self); }
Tensor leaky_relu_autograd(const Tensor& self, double slope) {
  return LeakyReluFunction::apply(self, slope);
}
Tensor prelu_autograd(const Tensor& self, const Tensor& weight) {
  return PreluFunction::apply(self, weight);
}
Tensor gelu_autograd(const Tensor& self, c10::string_view approximate) {
  return GeluFunction::apply(self, approximate);
}
Tensor sigmoid_autograd(const Tensor& self) { return SigmoidFunction::apply(self); }
Tensor tanh_autograd(const Tensor& self) { return TanhFunction::apply(self); }
Tensor elu_autograd(const Tensor& self, double alpha, double scale,
                    double input_scale) {
  return EluFunction::apply(self, alpha, scale, input_scale);
}
Tensor selu_autograd(const Tensor& self) { return SeluFunction::apply(self); }
Tensor silu_autograd(const Tensor& self) { return SiluFunction::apply(self); }
Tensor rrelu_autograd(const Tensor& self, double lower, double upper,
                      bool training, c10::optional<at::Generator> generator) {
  return RreluFunction::apply(self, lower, upper, training, std::move(generator));
}

}  // namespace
}  // namespace relulab

TORCH_LIBRARY(relulab, m) {
  m.def("relu(Tensor self) -> Tensor");
  m.def("relu_backward(Tensor grad_output, Tensor result) -> Tensor");
  m.def("leaky_relu(Tensor self, float negative_slope=0.01) -> Tensor");
  m.def("leaky_relu_backward(Tensor grad_output, Tensor self, float negative_slope) -> Tensor");
  m.def("prelu(Tensor self, Tensor weight) -> Tensor");
  m.def("prelu_backward(Tensor grad_output, Tensor self, Tensor weight) -> (Tensor, Tensor)");
  m.def("gelu(Tensor self, str approximate='none') -> Tensor");
  m.def("gelu_backward(Tensor grad_output, Tensor self, str approximate='none') -> Tensor");
  m.def("sigmoid(Tensor self) -> Tensor");
  m.def("sigmoid_backward(Tensor grad_output, Tensor result) -> Tensor");
  m.def("tanh(Tensor self) -> Tensor");
  m.def("tanh_backward(Tensor grad_output, Tensor result) -> Tensor");
  m.def("elu(Tensor self, float alpha=1.0, float scale=1.0, float input_scale=1.0) -> Tensor");
  m.def("elu_backward(Tensor grad_output, Tensor self, float alpha, float scale, float input_scale) -> Tensor");
  m.def("selu(Tensor self) -> Tensor");
  m.def("selu_backward(Tensor grad_output, Tensor self) -> Tensor");
  m.def("silu(Tensor self) -> Tensor");
  m.def("silu_backward(Tensor grad_output, Tensor self) -> Tensor");
  m.def("rrelu(Tensor self, float lower=0.125, float upper=0.3333333333333333, bool training=False, Generator? generator=None) -> Tensor");
  m.def("rrelu_with_noise(Tensor self, float lower=0.125, float upper=0.3333333333333333, bool training=False, Generator? generator=None) -> (Tensor, Tensor)");
  m.def("rrelu_backward(Tensor grad_output, Tensor self, Tensor noise, float lower, float upper, bool training) -> Tensor");
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
  static constexpr auto rrelu_with_noise = rrelu_with_noise_cpu;
  static constexpr auto rrelu_backward = rrelu_backward_cpu;
};
}  // namespace cpu
}  // namespace relulab

TORCH_LIBRARY_IMPL(relulab, CPU, m) {
  relulab::kernels::register_kernels<relulab::cpu::Launchers>(m);
}

TORCH_LIBRARY_IMPL(relulab, Autograd, m) {
  using namespace relulab;
  m.impl("relu", relu_autograd);
  m.impl("leaky_relu", leaky_relu_autograd);
  m.impl("prelu", prelu_autograd);
  m.impl("gelu", gelu_autograd);
  m.impl("sigmoid", sigmoid_autograd);
  m.impl("tanh", tanh_autograd);
  m.impl("elu", elu_autograd);
  m.impl("selu", selu_autograd);
  m.impl("silu", silu_autograd);
  m.impl("rrelu", rrelu_autograd);
}
