// Hardswish (Howard et al. 2019): x * relu6(x + 3) / 6; backward reads the
// input. LibTorch 2.x's formulas (CPU and CUDA): the gradient is 0 up to -3,
// x / 3 + 1/2 strictly between -3 and 3, 1 from 3 on: each kink takes its outer
// branch (LibTorch 1.13's CPU kernel took the middle one at both: see Note
// [LibTorch versions disagree]); NaN takes the middle branch, as in
// LibTorch's vectorised kernel and ours.
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct Hardswish {
  RELULAB_HOST_DEVICE T forward(T x) const {
    const T shifted = x + T(3);
    const T clamped = shifted < T(0) ? T(0) : (shifted > T(6) ? T(6) : shifted);
    return x * clamped / T(6);
  }
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    if (x <= T(-3)) return T(0);
    if (x >= T(3)) return g;
    return g * (x / T(3) + T(0.5));
  }
};

}  // namespace math
}  // namespace relulab
