// ReLU: max(x, 0) with NaN and -0.0 passed through; backward reads the output.
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Relu {
  RELULAB_HOST_DEVICE T forward(T x) const { return x < T(0) ? T(0) : x; }
  RELULAB_HOST_DEVICE T backward(T g, T y) const { return y <= T(0) ? T(0) : g; }
};

}  // namespace math
}  // namespace relulab
