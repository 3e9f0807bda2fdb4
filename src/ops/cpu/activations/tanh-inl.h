// Tanh functor; backward from the output.
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_TANH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_TANH_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_TANH_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_TANH_INL_H_
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
struct TanhOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = false;

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    // Highway's Tanh is defined on all finite floats; NaN must stay NaN.
    return hn::IfThenElse(hn::IsNaN(x), x, hn::Tanh(d, x));
  }
  // grad * (1 - y * y)
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> y) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    return hn::Mul(g, hn::NegMulAdd(y, y, one));
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
