// Softplus functor: log(1 + exp(beta x)) / beta, x where beta x > threshold.
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_SOFTPLUS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_SOFTPLUS_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_SOFTPLUS_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_SOFTPLUS_INL_H_
#endif

#include <hwy/highway.h>

#include "ops/cpu/activations/vector_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
struct SoftplusOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  T beta;
  T threshold;

  // log1p(exp(z)) as max(z, 0) + log1p(exp(-|z|)): the same function, but
  // exp never overflows and, for large z, the small correction's error does
  // not grow with z (log1p(exp(z)) directly was 1 ulp off near z = 20, twice
  // LibTorch's error). Lanes above the threshold take x.
  // With the default beta = 1 the multiply and the division by beta are
  // exact, so they are skipped: the same bits, one division of three fewer
  // (Log1p divides twice).
  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    const bool unit_beta = beta == T(1);
    const auto beta_x = unit_beta ? x : hn::Mul(x, hn::Set(d, beta));
    const auto correction = hn::Log1p(d, ExpFull(d, hn::Neg(hn::Abs(beta_x))));
    const auto sum = hn::Add(hn::Max(beta_x, hn::Zero(d)), correction);
    const auto soft = unit_beta ? sum : hn::Div(sum, hn::Set(d, beta));
    return hn::IfThenElse(hn::Gt(beta_x, hn::Set(d, threshold)), x, soft);
  }
  // grad * z / (z + 1), z = exp(beta x), in LibTorch's order.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    const auto beta_x = hn::Mul(x, hn::Set(d, beta));
    const auto z = ExpFull(d, beta_x);
    const auto smooth = hn::Div(hn::Mul(g, z), hn::Add(z, hn::Set(d, T(1))));
    return hn::IfThenElse(hn::Gt(beta_x, hn::Set(d, threshold)), g, smooth);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
