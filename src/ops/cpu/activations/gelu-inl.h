// GELU functors: exact x * Phi(x) (float32; float64 uses libm erf, see
// kernels.cpp) and the tanh approximation. Formulas and their order follow
// LibTorch's GeluKernelImpl/GeluBackwardKernelImpl.
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

struct GeluErfOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto half = hn::Set(d, T(0.5));
    const auto z = hn::Mul(x, hn::Set(d, kSqrt1_2<T>));
    const auto erf = ErfFloat(d, z, ExpNonPositive(d, hn::Neg(hn::Mul(z, z))));
    // x/2 + x/2 * erf rather than x/2 * (1 + erf): one FMA, and gelu(-0.0)
    // is +0.0 as LibTorch's float kernel returns.
    const auto half_x = hn::Mul(x, half);
    return hn::MulAdd(half_x, erf, half_x);
  }
  // grad * (Phi(x) + x * phi(x)). erf(x / sqrt 2) needs exp(-x^2 / 2), which
  // is also phi's exponential: one exp serves both.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto half = hn::Set(d, T(0.5));
    const auto z = hn::Mul(x, hn::Set(d, kSqrt1_2<T>));
    const auto e = ExpNonPositive(d, hn::Neg(hn::Mul(z, z)));
    const auto cdf = hn::MulAdd(half, ErfFloat(d, z, e), half);
    const auto pdf = hn::Mul(e, hn::Set(d, kInvSqrt2Pi<T>));
    return hn::Mul(g, hn::MulAdd(x, pdf, cdf));
  }
};

struct GeluTanhOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto half = hn::Set(d, T(0.5));
    const auto one = hn::Set(d, T(1));
    const auto cube = hn::Mul(hn::Mul(x, x), x);
    const auto inner = hn::Mul(hn::Set(d, kSqrt2OverPi<T>),
                               hn::MulAdd(hn::Set(d, kGeluKappa<T>), cube, x));
    return hn::Mul(hn::Mul(half, x), hn::Add(one, hn::Tanh(d, inner)));
  }
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto half = hn::Set(d, T(0.5));
    const auto one = hn::Set(d, T(1));
    const auto beta = hn::Set(d, kSqrt2OverPi<T>);
    const auto kappa = hn::Set(d, kGeluKappa<T>);
    const auto x_sq = hn::Mul(x, x);
    const auto inner = hn::Mul(beta, hn::MulAdd(kappa, hn::Mul(x_sq, x), x));
    const auto tanh_inner = hn::Tanh(d, inner);
    const auto left_derivative = hn::Mul(half, hn::Add(one, tanh_inner));
    const auto tanh_derivative = hn::NegMulAdd(tanh_inner, tanh_inner, one);
    const auto inner_derivative =
        hn::Mul(beta, hn::MulAdd(hn::Set(d, T(3)), hn::Mul(kappa, x_sq), one));
    const auto right_derivative = hn::Mul(
        hn::Mul(hn::Mul(half, x), tanh_derivative), inner_derivative);
    return hn::Mul(g, hn::Add(left_derivative, right_derivative));
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
