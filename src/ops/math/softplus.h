// Softplus: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold
// (LibTorch's rule, which keeps exp from overflowing); backward reads the input.
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Softplus {
  T beta, threshold;
  // log1p(exp(z)) computed as max(z, 0) + log1p(exp(-|z|)): no overflow,
  // and no error growing with z (as the CPU kernel).
  RELULAB_HOST_DEVICE T forward(T x) const {
    const T z = x * beta;
    const T soft = ((z > T(0) ? z : T(0)) + log1p(exp(-(z < T(0) ? -z : z)))) / beta;
    return z > threshold ? x : soft;
  }
  // grad * z / (z + 1), z = exp(beta x): LibTorch's formula and order.
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    const T z = exp(x * beta);
    return x * beta > threshold ? g : g * z / (z + T(1));
  }
};

}  // namespace math
}  // namespace relulab
