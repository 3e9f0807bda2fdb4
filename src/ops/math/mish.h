// Mish (Misra 2019): x * tanh(softplus(x)); backward reads the input.
// LibTorch's formulas, term for term.
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Mish {
  RELULAB_HOST_DEVICE T forward(T x) const { return x * tanh(log1p(exp(x))); }
  // grad * (t + x * sigmoid(x) * (1 - t^2)), t = tanh(softplus(x))
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    const T sigmoid = T(1) / (T(1) + exp(-x));
    const T t = tanh(log1p(exp(x)));
    return g * (t + x * sigmoid * (T(1) - t * t));
  }
};

}  // namespace math
}  // namespace relulab
