// Vector maths shared by the activation functors: exp that is safe over the
// whole float range, and erf. Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_
#endif

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <limits>

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// exp(x) over the whole float range: exp(+inf) = +inf, exp(-inf) = 0 and
/// exp(NaN) = NaN. Highway's Exp is specified on [-FLT_MAX, 104] (float) and
/// returns 0 below -104 and for NaN; clamping at 100 (float; 709.8 for double,
/// checked up to overflow by tests/ops/edge_cases_test.cpp)
/// keeps it in range while still overflowing to +inf, and NaN is put back.
template <class D>
HWY_INLINE hn::Vec<D> ExpFull(D d, hn::Vec<D> x) {
  using T = hn::TFromD<D>;
  const auto clamp = hn::Set(d, sizeof(T) == 4 ? T(100) : T(709.8));
  return hn::IfThenElse(hn::IsNaN(x), x, hn::Exp(d, hn::Min(x, clamp)));
}

/// exp(x) for x <= 0 or -inf (no NaN): Highway's Exp as is, which is 0 for
/// x < -104 and so for -inf.
template <class D>
HWY_INLINE hn::Vec<D> ExpNonPositive(D d, hn::Vec<D> x) {
  return hn::Exp(d, x);
}

/// 1 / (1 + exp(-x)), the logistic function, with LibTorch's edge behaviour.
template <class D>
HWY_INLINE hn::Vec<D> Logistic(D d, hn::Vec<D> x) {
  const auto one = hn::Set(d, hn::TFromD<D>(1));
  return hn::Div(one, hn::Add(one, ExpFull(d, hn::Neg(x))));
}

/// erf for float32: Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the same
/// approximation LibTorch's vectorised float erf uses, so GELU agrees with
/// torch::gelu to a few ulp rather than to the approximation's error.
/// `exp_neg_x_sq` is exp(-x * x), passed in because GELU's backward needs
/// the same value for the normal density (see GeluErfOp).
template <class D>
HWY_INLINE hn::Vec<D> ErfFloat(D d, hn::Vec<D> x, hn::Vec<D> exp_neg_x_sq) {
  using T = hn::TFromD<D>;
  static_assert(sizeof(T) == 4, "ErfFloat is float32-only; see Note [float64 GELU]");
  const auto one = hn::Set(d, T(1));
  const auto sign = hn::And(x, hn::Set(d, T(-0.0)));
  const auto ax = hn::Abs(x);
  const auto t = hn::Div(one, hn::MulAdd(hn::Set(d, T(0.3275911f)), ax, one));
  auto r = hn::MulAdd(hn::Set(d, T(1.061405429f)), t, hn::Set(d, T(-1.453152027f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(1.421413741f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(-0.284496736f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(0.254829592f)));
  // erf(|x|) = 1 - r * t * exp(-x^2)
  const auto erf_abs = hn::NegMulAdd(hn::Mul(exp_neg_x_sq, t), r, one);
  return hn::Or(erf_abs, sign);
}

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
