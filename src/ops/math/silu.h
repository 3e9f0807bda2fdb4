// SiLU: x / (1 + exp(-x)); backward reads the input: g s (1 + x (1 - s)).
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Silu {
  RELULAB_HOST_DEVICE T forward(T x) const { return x / (T(1) + exp(-x)); }
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    const T s = T(1) / (T(1) + exp(-x));
    return g * s * (T(1) + x * (T(1) - s));
  }
};

}  // namespace math
}  // namespace relulab
