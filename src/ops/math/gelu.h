// GELU, exact (erf) and tanh-approximated (as x * sigmoid(2u)); backward
// reads the input. The same functions as the CPU functors (cpu/activations/gelu-inl.h),
// which compute float32 GELU differently (Note [GELU as piecewise polynomials]).
#pragma once

#include "ops/math/common.h"

namespace relulab {
namespace math {

template <typename T>
struct GeluErf {
  RELULAB_HOST_DEVICE T forward(T x) const {
    const T half_x = x * T(0.5);
    // x == 0 returns x itself: gelu(-0.0) = -0.0, as LibTorch 2.x.
    return x == T(0) ? x : half_x + half_x * erf(x * Constants<T>::kSqrt1_2);
  }
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    const T cdf = T(0.5) * (T(1) + erf(x * Constants<T>::kSqrt1_2));
    const T pdf = exp(T(-0.5) * x * x) * Constants<T>::kInvSqrt2Pi;
    return g * (cdf + x * pdf);
  }
};

template <typename T>
struct GeluTanh {
  // e = exp(-2u), u = sqrt(2/pi) (x + kappa x^3)
  RELULAB_HOST_DEVICE static T exp_minus_two_u(T x) {
    return exp(T(-2) * Constants<T>::kSqrt2OverPi * (x + Constants<T>::kGeluKappa * x * x * x));
  }
  RELULAB_HOST_DEVICE T forward(T x) const { return x / (T(1) + exp_minus_two_u(x)); }
  RELULAB_HOST_DEVICE T backward(T g, T x) const {
    const T e = exp_minus_two_u(x);
    const T s = T(1) / (T(1) + e);
    const T one_minus_s = s > T(0.5) ? e * s : T(1) - s;
    const T u_prime = Constants<T>::kSqrt2OverPi * (T(1) + T(3) * Constants<T>::kGeluKappa * x * x);
    return g * (s + T(2) * x * s * one_minus_s * u_prime);
  }
};

}  // namespace math
}  // namespace relulab
