// Tanh; backward reads the output: g * (1 - y^2).
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Tanh {
  RELULAB_HOST_DEVICE T forward(T x) const { return tanh(x); }
  RELULAB_HOST_DEVICE T backward(T g, T y) const { return g * (T(1) - y * y); }
};

}  // namespace math
}  // namespace relulab
