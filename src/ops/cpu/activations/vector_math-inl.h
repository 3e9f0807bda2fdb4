// Vector maths shared by the activation functors: exp that is safe over the
// whole float range, erf, and piecewise polynomials. Re-included once per
// SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_VECTOR_MATH_INL_H_
#endif

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <limits>

#include "ops/cpu/gelu_polynomials.h"

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

// Note [Reciprocal estimates by target]
// One Newton step squares the estimate's relative error: AVX-512's 14-bit
// vrcp14ps becomes ~28 bits, below float's rounding, but AVX2's 12-bit
// vrcpps only ~24 bits: 2-3 ulp, which made SiLU less accurate than
// LibTorch's and left sigmoid(+inf) short of 1 (so silu's gradient at +inf
// inf instead of NaN) on an AVX2-only machine. Elsewhere (AVX2, SSE4, NEON's
// 8-bit estimate, ...) the float32 paths below divide.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
constexpr bool kRefinedReciprocalIsExactEnough = true;
#else
constexpr bool kRefinedReciprocalIsExactEnough = false;
#endif

/// 1 / v for float32 v >= 1 (or +inf): on AVX-512 the 14-bit hardware
/// estimate refined by one Newton step, r (2 - v r), within 1 ulp of the
/// division and about twice as fast as it (Note [Reciprocal in the
/// logistic]); a division elsewhere (Note [Reciprocal estimates by target]).
template <class D>
HWY_INLINE hn::Vec<D> ReciprocalOfAtLeastOne(D d, hn::Vec<D> v) {
  using T = hn::TFromD<D>;
  if constexpr (sizeof(T) == 4 && kRefinedReciprocalIsExactEnough) {
    const auto r = hn::ApproximateReciprocal(v);
    const auto refined = hn::Mul(r, hn::NegMulAdd(v, r, hn::Set(d, T(2))));
    // 1 / inf = 0: the Newton step would compute 0 * (2 - inf * 0) = NaN.
    return hn::IfThenZeroElse(hn::IsInf(v), refined);
  } else {
    return hn::Div(hn::Set(d, T(1)), v);
  }
}

/// exp(v) where only 1 + exp(v) matters, as in the logistic: float32 v,
/// exact below -86 (where 1 + exp(v) == 1 in float) only in that sum. About a
/// third fewer instructions than Highway's Exp, same Cephes polynomial (1 ulp):
/// the rounding to an integer multiple of ln 2 uses the 1.5 * 2^23 trick
/// instead of two conversions, and 2^n is added to the exponent bits
/// directly, which the clamp keeps in the normal range. +inf above
/// ln(FLT_MAX), NaN for NaN. Double takes ExpFull.
template <class D>
HWY_INLINE hn::Vec<D> ExpForLogistic(D d, hn::Vec<D> v) {
  using T = hn::TFromD<D>;
  if constexpr (sizeof(T) == 4) {
    const hn::RebindToSigned<D> di;
    const auto kMagic = hn::Set(d, 12582912.0f);  // 1.5 * 2^23
    const auto kMaxLog = hn::Set(d, 88.72283f);   // just below ln(FLT_MAX)
    const auto x = hn::Min(hn::Max(v, hn::Set(d, -86.0f)), kMaxLog);
    const auto t = hn::MulAdd(x, hn::Set(d, 1.44269504088896341f), kMagic);
    const auto n = hn::Sub(t, kMagic);  // round(x / ln 2), in [-124, 128]
    auto r = hn::MulAdd(n, hn::Set(d, -0.693359375f), x);
    r = hn::MulAdd(n, hn::Set(d, 2.12194440e-4f), r);
    auto p = hn::MulAdd(hn::Set(d, 1.9875691500e-4f), r, hn::Set(d, 1.3981999507e-3f));
    p = hn::MulAdd(p, r, hn::Set(d, 8.3334519073e-3f));
    p = hn::MulAdd(p, r, hn::Set(d, 4.1665795894e-2f));
    p = hn::MulAdd(p, r, hn::Set(d, 1.6666665459e-1f));
    p = hn::MulAdd(p, r, hn::Set(d, 5.0000001201e-1f));
    p = hn::Add(hn::MulAdd(p, hn::Mul(r, r), r), hn::Set(d, 1.0f));  // e^r in [0.7, 1.42]
    // n = 128 only with r < 0, so p < 1 and the exponent stays <= 254.
    const auto two_n = hn::ShiftLeft<23>(hn::Sub(hn::BitCast(di, t), hn::BitCast(di, kMagic)));
    const auto y = hn::BitCast(d, hn::Add(hn::BitCast(di, p), two_n));
    const auto overflow = hn::IfThenElse(hn::Gt(v, kMaxLog), hn::Inf(d), y);
    return hn::IfThenElse(hn::IsNaN(v), v, overflow);
  } else {
    return ExpFull(d, v);
  }
}

// Note [Reciprocal in the logistic]
// LibTorch 2.11's sigmoid and SiLU forward run at copy_ speed at 4M floats;
// ours, dividing, ran at 1.28x copy_ (0.84x LibTorch: relulab bench). The
// division is the costliest instruction left, and 1 + exp(-x) >= 1 keeps the
// reciprocal estimate away from zero and subnormals.

/// 1 / (1 + exp(-x)), the logistic function, with LibTorch's edge behaviour.
template <class D>
HWY_INLINE hn::Vec<D> Logistic(D d, hn::Vec<D> x) {
  const auto one = hn::Set(d, hn::TFromD<D>(1));
  // NaN: exp(NaN) = NaN, 1 + NaN = NaN, and the estimate of NaN is NaN.
  return ReciprocalOfAtLeastOne(d, hn::Add(one, ExpForLogistic(d, hn::Neg(x))));
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
  const auto ax = hn::Abs(x);
  const auto t = hn::Div(one, hn::MulAdd(hn::Set(d, T(0.3275911f)), ax, one));
  auto r = hn::MulAdd(hn::Set(d, T(1.061405429f)), t, hn::Set(d, T(-1.453152027f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(1.421413741f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(-0.284496736f)));
  r = hn::MulAdd(r, t, hn::Set(d, T(0.254829592f)));
  // erf(|x|) = 1 - r * t * exp(-x^2)
  const auto erf_abs = hn::NegMulAdd(hn::Mul(exp_neg_x_sq, t), r, one);
  return hn::CopySignToAbs(erf_abs, x);
}

// Note [GELU as piecewise polynomials]
// GELU's exact forward and backward were exp, a division and A&S 7.1.26's
// polynomial per element: 2.3x ReLU's forward + backward at 1.6 M floats,
// and the one activation over the CNN's 1.10x spread (docs/performance.md).
// GELU(x) = x/2 + x P(x) and GELU'(x) = 1/2 + Q(x) with P(x) = Phi(x) - 1/2
// and Q(x) = P(x) + x phi(x), both odd: each is a degree-7 polynomial on one
// of 8 intervals of |x| up to its end (5.75 and 6.5, beyond which the float32
// value is the limit 1/2), its coefficients looked up per lane by a permute
// (8 floats: one AVX2 register), the interval's index one multiply-add; no
// exp, no division. Tables and their fit:
// scripts/fit_gelu_polynomials.py, gelu_polynomials.h. Evaluated in float32,
// P and Q are within 3.0e-8 and 7.0e-8 of the float64 functions (A&S's erf
// alone is 1.5e-7 off); tests/ops/parity_test.cpp holds GELU to LibTorch's
// accuracy and tolerance. Targets with fewer than 8 float lanes keep A&S.
// The rounding differs from the A&S kernel's, so GELU trajectories of
// earlier builds are not reproduced bit for bit.
template <class D>
constexpr bool kHasEightLaneLookup = !HWY_HAVE_SCALABLE && hn::MaxLanes(D()) >= 8;

/// f(|x|) from a gelu_polynomials.h table for |x| < p.end (any value for
/// larger |x| or NaN: the caller selects the limit).
template <class D>
HWY_INLINE hn::Vec<D> PiecewiseOfAbs(D d, const PiecewisePolynomial& p, hn::Vec<D> ax) {
  static_assert(kHasEightLaneLookup<D>, "one permute looks up 8 intervals");
  using T = hn::TFromD<D>;
  const hn::RebindToSigned<D> di;
  // Adding 1.5 * 2^23 rounds |x| / width to an integer in the low mantissa
  // bits: interval i holds the |x| that round to i. & 7 keeps the index in
  // range for |x| >= end, inf and NaN, whose values the caller discards.
  const auto rounded = hn::MulAdd(ax, hn::Set(d, p.inverse_width), hn::Set(d, T(12582912.0f)));
  const auto index =
      hn::And(hn::BitCast(di, rounded), hn::Set(di, PiecewisePolynomial::kIntervals - 1));
  const auto lanes = hn::IndicesFromVec(d, index);
  const auto t = hn::Sub(ax, hn::TableLookupLanes(hn::LoadU(d, p.centre), lanes));
  auto r = hn::TableLookupLanes(hn::LoadU(d, p.coefficient[PiecewisePolynomial::kDegree]), lanes);
  for (int power = PiecewisePolynomial::kDegree - 1; power >= 0; --power) {
    r = hn::MulAdd(r, t, hn::TableLookupLanes(hn::LoadU(d, p.coefficient[power]), lanes));
  }
  return r;
}

/// An odd function with limit +-1/2 from a gelu_polynomials.h table: f(x)
/// for |x| < p.end, +-1/2 beyond (+-inf included) and for NaN (callers
/// handle NaN).
template <class D>
HWY_INLINE hn::Vec<D> OddPiecewise(D d, const PiecewisePolynomial& p, hn::Vec<D> x) {
  using T = hn::TFromD<D>;
  const auto ax = hn::Abs(x);
  const auto of_abs =
      hn::IfThenElse(hn::Lt(ax, hn::Set(d, p.end)), PiecewiseOfAbs(d, p, ax), hn::Set(d, T(0.5)));
  return hn::CopySignToAbs(of_abs, x);
}

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
