// ELU functor (and SELU, which is ELU with fixed alpha and scale):
// x > 0 ? scale * x : scale * alpha * (exp(input_scale * x) - 1).
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_ELU_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_ELU_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_ELU_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_ELU_INL_H_
#endif

#include <hwy/highway.h>

#include "ops/cpu/activations/vector_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <typename T>
struct EluOp {
  // See Note [Vector width] in kernels.cpp.
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  T alpha;
  T scale;
  T input_scale;

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    const auto zero = hn::Zero(d);
    // min(., 0) keeps Expm1 inside its valid range; the lane is unused then.
    const auto scaled = hn::Min(hn::Mul(x, hn::Set(d, input_scale)), zero);
    const auto negative = hn::Mul(hn::Expm1(d, scaled), hn::Set(d, alpha * scale));
    return hn::IfThenElse(hn::Le(x, zero), negative,
                          hn::Mul(x, hn::Set(d, scale)));
  }
  // Reads the input: grad * input_scale * alpha * scale * exp(input_scale * x).
  // The test is x > 0, as in LibTorch, so NaN takes the exp branch and the
  // gradient at NaN is NaN.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    const auto negative =
        hn::Mul(hn::Mul(g, hn::Set(d, input_scale * alpha * scale)),
                ExpFull(d, hn::Mul(x, hn::Set(d, input_scale))));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Mul(g, hn::Set(d, scale)),
                          negative);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
