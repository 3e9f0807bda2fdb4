// Mish functor: x * tanh(softplus(x)).
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_MISH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_MISH_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_MISH_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_MISH_INL_H_
#endif

#include <hwy/highway.h>

#include "ops/cpu/activations/vector_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lane: the element type (unused: the vector type decides).
template <typename Lane>
struct MishOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  // Note [Mish with one exp]
  // With u = e^x and n = u (u + 2) = (1 + u)^2 - 1,
  //   tanh(softplus(x)) = ((1 + u)^2 - 1) / ((1 + u)^2 + 1) = n / (n + 2),
  //   1 - tanh(softplus(x))^2 = 4 (n + 1) / (n + 2)^2,   sigmoid(x) = u / (1 + u):
  // one exp and a few divisions instead of LibTorch's exp, log1p and tanh
  // (and a second exp for the sigmoid): 3.6-3.9x faster on AVX2
  // (docs/performance.md), and no cancellation in 1 - t^2 where t is near 1. Not LibTorch's
  // rounding: float32 values differ in the last bits, within AccuracyTest's bound against the
  // float64 truth. Above x = 20, t rounds to 1 in float and in double (n > 2^57), which is what
  // LibTorch gives there too; capping x there keeps n finite. NaN stays NaN (x * t); -inf
  // gives u = 0.
  template <class D>
  struct Parts {
    hn::Vec<D> u, n, n_plus_2, t;
    hn::Mask<D> above_cap;
  };
  template <class D>
  static HWY_INLINE Parts<D> Split(D d, hn::Vec<D> x) {
    using T = hn::TFromD<D>;
    const auto cap = hn::Set(d, T(20));
    // Below the cap ExpFull's own clamp and NaN blend are no-ops (x86's Min
    // turns a NaN x into the cap; where Min keeps NaN, Exp gives 0, t = 0 and
    // x * t is still NaN): Highway's Exp alone, the same bits, ~10% fewer ops.
    const auto u = hn::Exp(d, hn::Min(x, cap));
    const auto n = hn::Mul(u, hn::Add(u, hn::Set(d, T(2))));
    const auto n_plus_2 = hn::Add(n, hn::Set(d, T(2)));
    const auto above_cap = hn::Gt(x, cap);
    const auto t = hn::IfThenElse(above_cap, hn::Set(d, T(1)), hn::Div(n, n_plus_2));
    return {u, n, n_plus_2, t, above_cap};
  }

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    return hn::Mul(x, Split(d, x).t);
  }
  // grad * (t + x * sigmoid(x) * (1 - t^2)), LibTorch's formula.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto one = hn::Set(d, T(1));
    const auto p = Split(d, x);
    const auto one_minus_t2 = hn::IfThenZeroElse(
        p.above_cap,
        hn::Div(hn::Mul(hn::Set(d, T(4)), hn::Add(p.n, one)), hn::Mul(p.n_plus_2, p.n_plus_2)));
    const auto sigmoid = hn::Div(p.u, hn::Add(one, p.u));
    const auto slope = hn::Mul(hn::Mul(x, sigmoid), one_minus_t2);
    return hn::Mul(g, hn::Add(p.t, slope));
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
