// Sigmoid: 1 / (1 + exp(-x)); backward reads the output: g * (1 - y) * y.
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Sigmoid {
  RELULAB_HOST_DEVICE T forward(T x) const { return T(1) / (T(1) + exp(-x)); }
  RELULAB_HOST_DEVICE T backward(T g, T y) const { return g * (T(1) - y) * y; }
};

}  // namespace math
}  // namespace relulab
