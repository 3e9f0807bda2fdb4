// SiLU (swish) functor: x * sigmoid(x).
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_SILU_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_SILU_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_SILU_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_SILU_INL_H_
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
struct SiluOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  // x / (1 + exp(-x)), as LibTorch computes it (so silu(-inf) is NaN there
  // too), with the reciprocal of Note [Reciprocal in the logistic].
  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    return hn::Mul(x, ReciprocalOfAtLeastOne(d, hn::Add(one, ExpForLogistic(d, hn::Neg(x)))));
  }
  // grad * s * (1 + x * (1 - s)), s = sigmoid(x)
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    const auto s = Logistic(d, x);
    return hn::Mul(hn::Mul(g, s), hn::MulAdd(x, hn::Sub(one, s), one));
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
