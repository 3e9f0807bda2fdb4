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

/// Largest argument whose exp is finite.
template <typename T>
constexpr T kExpOverflow = sizeof(T) == 4 ? T(88.72283) : T(709.782712893384);

/// exp(x) with exp(+inf or overflow) = +inf and exp(NaN) = NaN. Highway's Exp
/// is only specified on (-inf, 104] (float), so the edges are ours.
template <class D>
HWY_INLINE hn::Vec<D> ExpFull(D d, hn::Vec<D> x) {
  using T = hn::TFromD<D>;
  const auto overflow = hn::Set(d, kExpOverflow<T>);
  const auto inf = hn::Set(d, std::numeric_limits<T>::infinity());
  auto r = hn::Exp(d, hn::Min(x, overflow));
  r = hn::IfThenElse(hn::Gt(x, overflow), inf, r);
  r = hn::IfThenElse(hn::Lt(x, hn::Set(d, -std::numeric_limits<T>::max())),
                     hn::Zero(d), r);
  return hn::IfThenElse(hn::IsNaN(x), x, r);
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
template <class D>
HWY_INLINE hn::Vec<D> ErfFloat(D d, hn::Vec<D> x) {
  using T = hn::TFromD<D>;
  static_assert(sizeof(T) == 4, "ErfFloat is float32-only; see GeluOp");
  const auto one = hn::Set(d, T(1));
  const auto sign = hn::And(x, hn::Set(d, T(-0.0)));
  const auto ax = hn::Abs(x);
  const auto t = hn::Div(one, hn::MulAdd(hn::Set(d, T(0.3275911f)), ax, one));
  auto r = hn::MulAdd(hn::Set(d, T(1.061405429f)), t, hn::Set(d, T(-1.453152027f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(1.421413741f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(-0.284496736f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(0.254829592f)));
  const auto e = ExpFull(d, hn::Neg(hn::Mul(x, x)));
  // erf(|x|) = 1 - r * t * exp(-x^2)
  const auto erf_abs = hn::NegMulAdd(hn::Mul(e, t), r, one);
  return hn::Or(erf_abs, sign);
}

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
