// Argument checks shared by every backend's launchers (cpu/launch.cpp,
// cuda/launch.cu, through kernel_table.h) and the modules' reset(), so an
// operator rejects the same inputs with the same message everywhere. Only what does not depend on
// the device lives here; dtype support differs per backend and is checked there.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>
#include <c10/util/string_view.h>

#include <algorithm>

#include "relulab/activations.h"

namespace relulab {
namespace checks {

/// a and b must agree in dtype and shape (a gradient and its saved tensor).
inline void same_dtype_and_shape(const char* op_name, const at::Tensor& a, const at::Tensor& b,
                                 const char* a_name, const char* b_name) {
  TORCH_CHECK(a.scalar_type() == b.scalar_type(), "relulab::", op_name, ": expected ", a_name,
              " and ", b_name, " to have the same dtype, but got ", a.scalar_type(), " and ",
              b.scalar_type());
  TORCH_CHECK(a.sizes() == b.sizes(), "relulab::", op_name, ": expected ", a_name, " and ", b_name,
              " to have the same shape, but got ", a.sizes(), " and ", b.sizes());
}

/// Every tensor on `expected`'s device: a kernel handed a pointer from
/// another device reads garbage or loses the CUDA context.
inline void same_device(const char* op_name, const at::Tensor& expected,
                        std::initializer_list<std::pair<const char*, const at::Tensor*>> others) {
  for (const auto& [name, t] : others) {
    TORCH_CHECK(t->device() == expected.device(), "relulab::", op_name, ": expected ", name, " on ",
                expected.device(), " (the input's device), but it is on ", t->device());
  }
}

/// GELU's `approximate` string as its kernel.
inline activations::Pointwise gelu_kind(c10::string_view approximate) {
  if (approximate == "none") return activations::Pointwise::kGeluErf;
  if (approximate == "tanh") return activations::Pointwise::kGeluTanh;
  TORCH_CHECK(false, "relulab::gelu: approximate must be \"none\" or \"tanh\", but got \"",
              approximate, "\"");
}

inline void rrelu_bounds(double lower, double upper) {
  TORCH_CHECK(lower <= upper, "relulab::rrelu: expected lower <= upper, but got lower=", lower,
              " and upper=", upper);
}

/// PReLU's weight against its input, with LibTorch's rules: one slope, or one
/// per channel (dim 1). Returns the number of slopes.
inline int64_t prelu_channels(const at::Tensor& self, const at::Tensor& weight) {
  TORCH_CHECK(weight.scalar_type() == self.scalar_type(),
              "relulab::prelu: expected weight to have the dtype of self (", self.scalar_type(),
              "), but got ", weight.scalar_type());
  TORCH_CHECK(weight.dim() <= 1,
              "relulab::prelu: expected weight to be a scalar or 1-D tensor, but got "
              "weight.dim() = ",
              weight.dim());
  const int64_t channels = weight.numel();
  if (channels == 1) return channels;
  TORCH_CHECK(self.dim() >= 2, "relulab::prelu: a per-channel weight (", channels,
              " slopes) needs an input with a channel dimension (dim 1), but the input has ",
              self.dim(), " dims. HINT: use a single slope, or reshape the input to (N, C, ...)");
  TORCH_CHECK(self.size(1) == channels,
              "relulab::prelu: mismatch of parameter numbers and input channel size: weight has ",
              channels, " slopes but input.size(1) = ", self.size(1));
  return channels;
}

}  // namespace checks
}  // namespace relulab
