// ReLU functor: max(x, 0), passing NaN and -0.0 through as torch::relu does.
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_RELU_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_RELU_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_RELU_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_RELU_INL_H_
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
struct ReluOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = false;
  static constexpr bool kBackwardIsCompute = false;

  // x < 0 selects zero; NaN and -0.0 fail the test and pass through.
  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    return hn::IfThenZeroElse(hn::Lt(x, hn::Zero(d)), x);
  }
  // Reads the output, as threshold_backward(grad, result, 0) does.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> y) const {
    return hn::IfThenZeroElse(hn::Le(y, hn::Zero(d)), g);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
