// ELU and SELU: x > 0 ? scale x : scale alpha (exp(input_scale x) - 1);
// backward reads the input. Forward takes the negative branch for x <= 0, so
// elu(-0.0) = -0.0 as in LibTorch 2.x; backward tests x > 0, as LibTorch's
// CPU kernels do, so NaN takes the exp branch and the gradient at NaN is NaN.
// See Note [LibTorch versions disagree] in tests/ops/edge_cases_test.cpp.
#pragma once

#include "ops/math/common.h"
#include "relulab/activations.h"

namespace relulab {
namespace math {

template <typename T>
struct Elu {
  T alpha, scale, input_scale;
  RELULAB_HOST_DEVICE T forward(T x) const {
    return x <= T(0) ? expm1(x * input_scale) * alpha * scale : x * scale;
  }
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    return x > T(0) ? g * scale : g * (input_scale * alpha * scale) * exp(x * input_scale);
  }
};

/// SELU: ELU with SELU's fixed constants.
template <typename T>
struct Selu {
  Elu<T> elu{T(activations::kSeluAlpha), T(activations::kSeluScale), T(1)};
  RELULAB_HOST_DEVICE T forward(T x) const { return elu.forward(x); }
  RELULAB_HOST_DEVICE T backward(T g, T x) const { return elu.backward(g, x); }
};

}  // namespace math
}  // namespace relulab
