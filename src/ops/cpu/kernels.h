// Pointer-level CPU kernels for the activation operators.
//
// Nothing here includes LibTorch: these files are compiled once per SIMD
// target by Highway, and keeping ATen out keeps that cheap. The ATen glue
// (dtype dispatch, layout, threading) lives in cpu/launch.cpp.
#pragma once

#include <cstdint>

#include "ops/channel_layout.h"
#include "relulab/activations.h"

namespace relulab {
namespace cpu {

using activations::Pointwise;
using activations::PointwiseParams;

// Note [What backward reads]
// Each backward reads either the forward's input or its output, whichever
// LibTorch's own derivative formula reads, so that results match bit for bit
// where the maths allows and autograd keeps the same tensor alive:
//   output: relu, sigmoid, tanh        input: all the others
// (the Saves column of RELULAB_ACTIVATIONS in relulab/activations.h).
// `saved` below is that tensor.

/// y[i] = f(x[i]) for i in [0, n). x and y may alias.
template <typename T>
void pointwise_forward(Pointwise op, const PointwiseParams& params, const T* x, T* y, int64_t n);

/// grad_in[i] = grad_out[i] * f'(.) at saved[i]. See Note [What backward reads].
template <typename T>
void pointwise_backward(Pointwise op, const PointwiseParams& params, const T* grad_out,
                        const T* saved, T* grad_in, int64_t n);

/// PReLU forward on the flat index range [begin, end).
template <typename T>
void prelu_forward(const T* x, const T* weight, T* y, ChannelLayout layout, int64_t begin,
                   int64_t end);

/// PReLU backward on [begin, end): writes grad_in there and adds this range's
/// weight-gradient contributions to grad_weight_acc[channels], in one pass.
template <typename T>
void prelu_backward(const T* grad_out, const T* x, const T* weight, T* grad_in,
                    double* grad_weight_acc, ChannelLayout layout, int64_t begin, int64_t end);

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
