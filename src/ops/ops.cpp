// The C++ entry points of include/relulab/ops.h: typed dispatcher calls.

#include "relulab/ops.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include "ops/cpu/kernels.h"

namespace relulab {
namespace ops {
namespace {

// The handle is looked up once per operator; the dispatcher then picks the
// kernel for the arguments' device and autograd state on every call.
template <typename Signature>
c10::TypedOperatorHandle<Signature> op(const char* name) {
  return c10::Dispatcher::singleton()
      .findSchemaOrThrow(name, /*overload_name=*/"")
      .typed<Signature>();
}

using Unary = at::Tensor(const at::Tensor&);
using Binary = at::Tensor(const at::Tensor&, const at::Tensor&);

}  // namespace

at::Tensor relu(const at::Tensor& self) {
  static const auto handle = op<Unary>("relulab::relu");
  return handle.call(self);
}
at::Tensor relu_backward(const at::Tensor& grad_output, const at::Tensor& result) {
  static const auto handle = op<Binary>("relulab::relu_backward");
  return handle.call(grad_output, result);
}

at::Tensor leaky_relu(const at::Tensor& self, double negative_slope) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, double)>("relulab::leaky_relu");
  return handle.call(self, negative_slope);
}
at::Tensor leaky_relu_backward(const at::Tensor& grad_output,
                               const at::Tensor& self, double negative_slope) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, const at::Tensor&, double)>(
          "relulab::leaky_relu_backward");
  return handle.call(grad_output, self, negative_slope);
}

at::Tensor prelu(const at::Tensor& self, const at::Tensor& weight) {
  static const auto handle = op<Binary>("relulab::prelu");
  return handle.call(self, weight);
}
std::tuple<at::Tensor, at::Tensor> prelu_backward(const at::Tensor& grad_output,
                                                  const at::Tensor& self,
                                                  const at::Tensor& weight) {
  static const auto handle =
      op<std::tuple<at::Tensor, at::Tensor>(const at::Tensor&, const at::Tensor&,
                                            const at::Tensor&)>(
          "relulab::prelu_backward");
  return handle.call(grad_output, self, weight);
}

at::Tensor gelu(const at::Tensor& self, const std::string& approximate) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, c10::string_view)>("relulab::gelu");
  return handle.call(self, approximate);
}
at::Tensor gelu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                         const std::string& approximate) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, const at::Tensor&, c10::string_view)>(
          "relulab::gelu_backward");
  return handle.call(grad_output, self, approximate);
}

at::Tensor sigmoid(const at::Tensor& self) {
  static const auto handle = op<Unary>("relulab::sigmoid");
  return handle.call(self);
}
at::Tensor sigmoid_backward(const at::Tensor& grad_output, const at::Tensor& result) {
  static const auto handle = op<Binary>("relulab::sigmoid_backward");
  return handle.call(grad_output, result);
}

at::Tensor tanh(const at::Tensor& self) {
  static const auto handle = op<Unary>("relulab::tanh");
  return handle.call(self);
}
at::Tensor tanh_backward(const at::Tensor& grad_output, const at::Tensor& result) {
  static const auto handle = op<Binary>("relulab::tanh_backward");
  return handle.call(grad_output, result);
}

at::Tensor elu(const at::Tensor& self, double alpha, double scale,
               double input_scale) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, double, double, double)>("relulab::elu");
  return handle.call(self, alpha, scale, input_scale);
}
at::Tensor elu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                        double alpha, double scale, double input_scale) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, const at::Tensor&, double, double, double)>(
          "relulab::elu_backward");
  return handle.call(grad_output, self, alpha, scale, input_scale);
}

at::Tensor selu(const at::Tensor& self) {
  static const auto handle = op<Unary>("relulab::selu");
  return handle.call(self);
}
at::Tensor selu_backward(const at::Tensor& grad_output, const at::Tensor& self) {
  static const auto handle = op<Binary>("relulab::selu_backward");
  return handle.call(grad_output, self);
}

at::Tensor silu(const at::Tensor& self) {
  static const auto handle = op<Unary>("relulab::silu");
  return handle.call(self);
}
at::Tensor silu_backward(const at::Tensor& grad_output, const at::Tensor& self) {
  static const auto handle = op<Binary>("relulab::silu_backward");
  return handle.call(grad_output, self);
}

at::Tensor rrelu(const at::Tensor& self, double lower, double upper,
                 bool training, c10::optional<at::Generator> generator) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, double, double, bool,
                    c10::optional<at::Generator>)>("relulab::rrelu");
  return handle.call(self, lower, upper, training, std::move(generator));
}
std::tuple<at::Tensor, at::Tensor> rrelu_with_noise(
    const at::Tensor& self, double lower, double upper, bool training,
    c10::optional<at::Generator> generator) {
  static const auto handle =
      op<std::tuple<at::Tensor, at::Tensor>(const at::Tensor&, double, double,
                                            bool, c10::optional<at::Generator>)>(
          "relulab::rrelu_with_noise");
  return handle.call(self, lower, upper, training, std::move(generator));
}
at::Tensor rrelu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                          const at::Tensor& noise, double lower, double upper,
                          bool training) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, const at::Tensor&, const at::Tensor&,
                    double, double, bool)>("relulab::rrelu_backward");
  return handle.call(grad_output, self, noise, lower, upper, training);
}

std::string cpu_simd_target() { return cpu::simd_target_name(); }

}  // namespace ops
}  // namespace relulab
