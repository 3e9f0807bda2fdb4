// The C++ entry points of include/relulab/ops.h: typed dispatcher calls.

#include "relulab/ops.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include "ops/cpu/kernels.h"
#include "ops/op_descriptions.h"

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

using Binary = at::Tensor(const at::Tensor&, const at::Tensor&);

}  // namespace

#define RELULAB_DEFINE_OP(Module, op_name, Kernel, Saves, Inplace, Agreement, Kink, Gain, PARAMS) \
  at::Tensor op_name(const at::Tensor& self PARAMS(RELULAB_PARAM_DECLARATION)) {                  \
    static const auto handle = op<at::Tensor(const at::Tensor& PARAMS(RELULAB_PARAM_TYPE))>(      \
        qualified_name<activations::Module>());                                                   \
    return handle.call(self PARAMS(RELULAB_PARAM_ARGUMENT));                                      \
  }                                                                                               \
  at::Tensor op_name##_backward(const at::Tensor& grad_output,                                    \
                                const at::Tensor& saved PARAMS(RELULAB_PARAM_DECLARATION)) {      \
    static const auto handle =                                                                    \
        op<at::Tensor(const at::Tensor&, const at::Tensor& PARAMS(RELULAB_PARAM_TYPE))>(          \
            qualified_backward_name<activations::Module>());                                      \
    return handle.call(grad_output, saved PARAMS(RELULAB_PARAM_ARGUMENT));                        \
  }
#define RELULAB_PARAM_TYPE(name, value, kind, meaning) , double
RELULAB_ACTIVATIONS(RELULAB_DEFINE_OP)
#undef RELULAB_PARAM_TYPE
#undef RELULAB_DEFINE_OP

at::Tensor prelu(const at::Tensor& self, const at::Tensor& weight) {
  static const auto handle = op<Binary>("relulab::prelu");
  return handle.call(self, weight);
}
std::tuple<at::Tensor, at::Tensor> prelu_backward(const at::Tensor& grad_output,
                                                  const at::Tensor& self,
                                                  const at::Tensor& weight) {
  static const auto handle = op<std::tuple<at::Tensor, at::Tensor>(
      const at::Tensor&, const at::Tensor&, const at::Tensor&)>("relulab::prelu_backward");
  return handle.call(grad_output, self, weight);
}

at::Tensor gelu(const at::Tensor& self, const std::string& approximate) {
  static const auto handle = op<at::Tensor(const at::Tensor&, c10::string_view)>("relulab::gelu");
  return handle.call(self, approximate);
}
at::Tensor gelu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                         const std::string& approximate) {
  static const auto handle = op<at::Tensor(const at::Tensor&, const at::Tensor&, c10::string_view)>(
      "relulab::gelu_backward");
  return handle.call(grad_output, self, approximate);
}

at::Tensor rrelu(const at::Tensor& self, double lower, double upper, bool training,
                 c10::optional<at::Generator> generator) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, double, double, bool, c10::optional<at::Generator>)>(
          "relulab::rrelu");
  return handle.call(self, lower, upper, training, std::move(generator));
}
std::tuple<at::Tensor, at::Tensor> rrelu_with_noise(const at::Tensor& self, double lower,
                                                    double upper, bool training,
                                                    c10::optional<at::Generator> generator) {
  static const auto handle = op<std::tuple<at::Tensor, at::Tensor>(
      const at::Tensor&, double, double, bool, c10::optional<at::Generator>)>(
      "relulab::rrelu_with_noise");
  return handle.call(self, lower, upper, training, std::move(generator));
}
at::Tensor rrelu_backward(const at::Tensor& grad_output, const at::Tensor& self,
                          const at::Tensor& noise, double lower, double upper, bool training) {
  static const auto handle =
      op<at::Tensor(const at::Tensor&, const at::Tensor&, const at::Tensor&, double, double, bool)>(
          "relulab::rrelu_backward");
  return handle.call(grad_output, self, noise, lower, upper, training);
}

std::string cpu_simd_target() { return cpu::simd_target_name(); }

}  // namespace ops
}  // namespace relulab
