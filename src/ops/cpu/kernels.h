// Pointer-level CPU kernels for the activation operators.
//
// Nothing here includes LibTorch: these files are compiled once per SIMD
// target by Highway, and keeping ATen out keeps that cheap. The ATen glue
// (dtype dispatch, layout, threading) lives in cpu/launch.cpp.
#pragma once

#include <cstdint>

namespace relulab {
namespace cpu {

/// The parameter-free or scalar-parameter pointwise activations.
/// SELU is kElu with SELU's constants; RReLU in eval mode is kLeakyRelu.
enum class Pointwise : int {
  kRelu,
  kLeakyRelu,
  kGelu,
  kGeluTanh,
  kSigmoid,
  kTanh,
  kElu,
  kSilu,
};

/// Scalars some activations take; the others ignore them.
struct PointwiseParams {
  double negative_slope = 0.01;  // leaky_relu
  double alpha = 1.0;            // elu: value approached as x -> -inf
  double scale = 1.0;            // elu: output scale (SELU's lambda)
  double input_scale = 1.0;      // elu: scale of x inside exp
};

// Note [What backward reads]
// Each backward reads either the forward's input or its output, whichever
// LibTorch's own derivative formula reads, so that results match bit for bit
// where the maths allows and autograd keeps the same tensor alive:
//   output: relu, sigmoid, tanh        input: all the others
// `saved` below is that tensor.

/// y[i] = f(x[i]) for i in [0, n). x and y may alias.
template <typename T>
void pointwise_forward(Pointwise op, const PointwiseParams& params, const T* x,
                       T* y, int64_t n);

/// grad_in[i] = grad_out[i] * f'(.) at saved[i]. See Note [What backward reads].
template <typename T>
void pointwise_backward(Pointwise op, const PointwiseParams& params,
                        const T* grad_out, const T* saved, T* grad_in,
                        int64_t n);

/// A tensor viewed as (outer, channels, inner), contiguous, with one PReLU
/// slope per channel (channels == 1 for a shared slope).
struct ChannelLayout {
  int64_t channels = 1;
  int64_t inner = 1;
};

/// PReLU forward on the flat index range [begin, end).
template <typename T>
void prelu_forward(const T* x, const T* weight, T* y, ChannelLayout layout,
                   int64_t begin, int64_t end);

/// PReLU backward on [begin, end): writes grad_in there and adds this range's
/// weight-gradient contributions to grad_weight_acc[channels], in one pass.
template <typename T>
void prelu_backward(const T* grad_out, const T* x, const T* weight, T* grad_in,
                    double* grad_weight_acc, ChannelLayout layout,
                    int64_t begin, int64_t end);

/// RReLU training forward: `noise` holds uniform slopes on entry and the
/// slope actually applied on exit (1 where x > 0), as LibTorch's does.
template <typename T>
void rrelu_forward(const T* x, T* noise, T* y, int64_t n);

/// grad_in = grad_out * noise (RReLU training backward).
template <typename T>
void multiply(const T* a, const T* b, T* out, int64_t n);

/// Name of the SIMD target the dispatcher picked on this CPU (for benchmarks).
const char* simd_target_name();
void disable_avx512();

}  // namespace cpu
}  // namespace relulab
