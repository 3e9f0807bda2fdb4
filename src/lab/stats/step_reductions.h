// The reductions a training step's statistics make (weight and
// pre-activation gradient norms, the minibatch's correct count, online dead
// tracking), as plain loops over CPU memory.
//
// Note [Per-step reductions]
// Each of these is one small ATen reduction plus a read of its result
// (.item()) per step: ~12 dispatches a step for an MLP, 20-90 us each on
// this project's machine (LibTorch 1.13's norm of a 784 x 256 gradient took
// 88 us), about 5-7% of an MLP epoch. On contiguous CPU float32 tensors the
// loops below give the same counts and booleans as the ATen expressions
// they replace, and norms accumulated in double (LibTorch sums float32 in
// float32, so norms differ from before in the last digits; training does
// not read them). Anything else (CUDA, other dtypes, strided) takes the ATen
// expression.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace relulab {
namespace lab {

/// sqrt(sum of squares) of `t`; t.norm() in value.
double l2_norm(const at::Tensor& t);

/// How many rows of `logits` (N, classes) have their argmax equal to
/// `labels` (N): logits.argmax(1).eq(labels).sum(), so the first maximum wins
/// ties and a NaN counts as the maximum.
int64_t count_correct(const at::Tensor& logits, const at::Tensor& labels);

/// `seen` |= ever_positive(pre) for a (N, units, ...) pre-activation and a
/// (units) bool tensor: per unit, some element > 0 and none NaN (amax > 0).
void or_ever_positive(const at::Tensor& pre, at::Tensor& seen);

}  // namespace lab
}  // namespace relulab
