// Sigmoid functor: 1 / (1 + exp(-x)); backward from the output.
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_SIGMOID_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_SIGMOID_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_SIGMOID_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_SIGMOID_INL_H_
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
struct SigmoidOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = false;

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    return Logistic(d, x);
  }
  // grad * (1 - y) * y, in LibTorch's order.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> y) const {
    const auto one = hn::Set(d, hn::TFromD<D>(1));
    return hn::Mul(hn::Mul(g, hn::Sub(one, y)), y);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
