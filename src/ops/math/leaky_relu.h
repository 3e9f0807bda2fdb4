// LeakyReLU (also PReLU per slope, eval-mode RReLU): x > 0 ? x : slope * x.
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct LeakyRelu {
  T negative_slope;
  RELULAB_HOST_DEVICE T forward(T x) const { return x > T(0) ? x : x * negative_slope; }
  RELULAB_HOST_DEVICE T backward(T g, T x) const { return x > T(0) ? g : g * negative_slope; }
};

}  // namespace math
}  // namespace relulab
