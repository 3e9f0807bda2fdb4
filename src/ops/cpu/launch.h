// CPU implementations of the relulab operators on Tensors: dtype checks,
// memory layout and threading around the pointer kernels of kernels.h.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/util/Optional.h>

#include <tuple>

#include "ops/cpu/kernels.h"

namespace relulab {
namespace cpu {

/// How many threads take part when the launchers below split `numel`
/// elements at the current at::get_num_threads(): 1 in a build without
/// OpenMP (Note [Intra-op threads] in launch.cpp).
int intra_op_threads_used(int64_t numel);

/// `op_name` names the operator in error messages.
at::Tensor pointwise_forward_cpu(const char* op_name, Pointwise op, const PointwiseParams& params,
                                 const at::Tensor& self);

/// See Note [What backward reads] for `saved`.
at::Tensor pointwise_backward_cpu(const char* op_name, Pointwise op, const PointwiseParams& params,
                                  const at::Tensor& grad_output, const at::Tensor& saved);

at::Tensor prelu_cpu(const at::Tensor& self, const at::Tensor& weight);
std::tuple<at::Tensor, at::Tensor> prelu_backward_cpu(const at::Tensor& grad_output,
                                                      const at::Tensor& self,
                                                      const at::Tensor& weight);

/// RReLU in training: random slopes; (output, noise). Eval mode and the
/// argument checks are device-neutral (kernel_table.h).
std::tuple<at::Tensor, at::Tensor> rrelu_training_cpu(const at::Tensor& self, double lower,
                                                      double upper,
                                                      c10::optional<at::Generator> generator);
at::Tensor rrelu_training_backward_cpu(const at::Tensor& grad_output, const at::Tensor& noise);

}  // namespace cpu
}  // namespace relulab
