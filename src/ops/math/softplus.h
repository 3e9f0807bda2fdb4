// Softplus: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold
// (LibTorch's rule, which keeps exp from overflowing); backward reads the input.
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Softplus {
  T beta, threshold;
  RELULAB_HOST_DEVICE T forward(T x) const {
    return x * beta > threshold ? x : log1p(exp(x * beta)) / beta;
  }
  // grad * z / (z + 1), z = exp(beta x): LibTorch's formula and order.
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    const T z = exp(x * beta);
    return x * beta > threshold ? g : g * z / (z + T(1));
  }
};

}  // namespace math
}  // namespace relulab
