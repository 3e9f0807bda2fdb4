// GELU functors: exact x * Phi(x) (float32 as piecewise polynomials, Note
// [GELU as piecewise polynomials]; float64 uses libm erf, see kernels.cpp)
// and the tanh approximation.
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_GELU_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_GELU_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_GELU_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_GELU_INL_H_
#endif

#include <hwy/highway.h>

#include "ops/cpu/activations/vector_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
constexpr T kSqrt1_2 = T(0.70710678118654752440);
// 1 / sqrt(2 pi)
template <typename T>
constexpr T kInvSqrt2Pi = T(0.39894228040143267794);
// sqrt(2 / pi)
template <typename T>
constexpr T kSqrt2OverPi = T(0.79788456080286535588);
template <typename T>
constexpr T kGeluKappa = T(0.044715);

// Lane: the element type (unused: the vector type decides).
template <typename Lane>
struct GeluErfOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto half_x = hn::Mul(x, hn::Set(d, T(0.5)));
    hn::Vec<D> y;
    if constexpr (kHasEightLaneLookup<D>) {
      // x/2 + x (Phi(x) - 1/2): Note [GELU as piecewise polynomials].
      // NaN stays NaN through half_x; -inf gives -inf + inf = NaN, as LibTorch.
      y = hn::MulAdd(x, OddPiecewise(d, kPhiMinusHalf, x), half_x);
    } else {
      const auto z = hn::Mul(x, hn::Set(d, kSqrt1_2<T>));
      const auto erf = ErfFloat(d, z, ExpNonPositive(d, hn::Neg(hn::Mul(z, z))));
      // x/2 + x/2 * erf rather than x/2 * (1 + erf): one FMA.
      y = hn::MulAdd(half_x, erf, half_x);
    }
    // Either sum turns -0.0 into +0.0, so x == 0 returns x itself:
    // gelu(-0.0) = -0.0, the float64 value (and LibTorch 2.x's in float32
    // too; 1.13's float32 gave +0.0).
    return hn::IfThenElse(hn::Eq(x, hn::Zero(d)), x, y);
  }
  // grad * (Phi(x) + x * phi(x)).
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto half = hn::Set(d, T(0.5));
    if constexpr (kHasEightLaneLookup<D>) {
      // 1/2 + Q(x): Note [GELU as piecewise polynomials]. At +-inf LibTorch
      // computes inf * phi(inf) = inf * 0 = NaN, and so does this (the limit
      // would be 1 or 0); NaN stays NaN.
      const auto derivative = hn::Add(half, OddPiecewise(d, kGeluDerivativeMinusHalf, x));
      const auto finite = hn::Lt(hn::Abs(x), hn::Inf(d));
      return hn::Mul(g, hn::IfThenElse(finite, derivative, hn::NaN(d)));
    } else {
      // erf(x / sqrt 2) needs exp(-x^2 / 2), which is also phi's
      // exponential: one exp serves both.
      const auto z = hn::Mul(x, hn::Set(d, kSqrt1_2<T>));
      const auto e = ExpNonPositive(d, hn::Neg(hn::Mul(z, z)));
      const auto cdf = hn::MulAdd(half, ErfFloat(d, z, e), half);
      const auto pdf = hn::Mul(e, hn::Set(d, kInvSqrt2Pi<T>));
      return hn::Mul(g, hn::MulAdd(x, pdf, cdf));
    }
  }
};

// 0.5 x (1 + tanh(u)) is computed as x * sigmoid(2u): the same function
// with one exp and no tanh (cheaper), and no cancellation in 1 + tanh(u)
// for large negative x (so closer to the float64 truth than LibTorch's).
// Lane: the element type (unused: the vector type decides).
template <typename Lane>
struct GeluTanhOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  // e = exp(-2u) with u = sqrt(2/pi) (x + kappa x^3).
  template <class D>
  static HWY_INLINE hn::Vec<D> ExpMinusTwoU(D d, hn::Vec<D> x) {
    using T = hn::TFromD<D>;
    const auto cube = hn::Mul(hn::Mul(x, x), x);
    return ExpFull(d, hn::Mul(hn::Set(d, T(-2) * kSqrt2OverPi<T>),
                              hn::MulAdd(hn::Set(d, kGeluKappa<T>), cube, x)));
  }

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    return hn::Div(x, hn::Add(one, ExpMinusTwoU(d, x)));
  }
  // d/dx [x s] with s = sigmoid(2u) = 1 / (1 + e): s + 2 x s (1 - s) u',
  // u' = sqrt(2/pi) (1 + 3 kappa x^2). Where s > 1/2, 1 - s is taken as
  // e * s, which does not cancel as s approaches 1 (elsewhere e may be inf).
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto one = hn::Set(d, T(1));
    const auto e = ExpMinusTwoU(d, x);
    const auto s = hn::Div(one, hn::Add(one, e));
    const auto u_prime = hn::Mul(hn::Set(d, kSqrt2OverPi<T>),
                                 hn::MulAdd(hn::Set(d, T(3) * kGeluKappa<T>), hn::Mul(x, x), one));
    const auto half = hn::Set(d, T(0.5));
    const auto one_minus_s = hn::IfThenElse(hn::Gt(s, half), hn::Mul(e, s), hn::Sub(one, s));
    const auto s_one_minus_s = hn::Mul(s, one_minus_s);
    const auto derivative = hn::MulAdd(hn::Mul(hn::Add(x, x), s_one_minus_s), u_prime, s);
    return hn::Mul(g, derivative);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
