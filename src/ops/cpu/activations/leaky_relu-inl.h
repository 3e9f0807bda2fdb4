// LeakyReLU functor: x > 0 ? x : slope * x (also PReLU's and eval-mode RReLU's).
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_LEAKY_RELU_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_LEAKY_RELU_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_LEAKY_RELU_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_LEAKY_RELU_INL_H_
#endif

#include <hwy/highway.h>

#include "ops/cpu/activations/vector_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
struct LeakyReluOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = false;
  static constexpr bool kBackwardIsCompute = false;

  T negative_slope;

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    return ForwardWithSlope(d, x, hn::Set(d, negative_slope));
  }
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    return BackwardWithSlope(d, g, x, hn::Set(d, negative_slope));
  }

  // The slope as a vector, for PReLU's per-channel weights.
  template <class D>
  static HWY_INLINE hn::Vec<D> ForwardWithSlope(D d, hn::Vec<D> x, hn::Vec<D> slope) {
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, hn::Mul(x, slope));
  }
  template <class D>
  static HWY_INLINE hn::Vec<D> BackwardWithSlope(D d, hn::Vec<D> g, hn::Vec<D> x,
                                                 hn::Vec<D> slope) {
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), g, hn::Mul(g, slope));
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
