// ELU and SELU (ELU with fixed alpha and scale) functors:
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
#include "relulab/activations.h"

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
    const auto non_positive = hn::Le(x, zero);
    // Positive lanes get 0 to keep Expm1 inside its valid range (the lane is
    // unused then); -0.0 stays -0.0, so elu(-0.0) = -0.0 as in LibTorch 2.x.
    const auto scaled = hn::IfThenElseZero(non_positive, hn::Mul(x, hn::Set(d, input_scale)));
    const auto negative = hn::Mul(hn::Expm1(d, scaled), hn::Set(d, alpha * scale));
    return hn::IfThenElse(non_positive, negative, hn::Mul(x, hn::Set(d, scale)));
  }
  // Reads the input: grad * input_scale * alpha * scale * exp(input_scale * x).
  // The test is x > 0, as in LibTorch's CPU kernels, so NaN takes the exp
  // branch and the gradient at NaN is NaN.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    const auto negative = hn::Mul(hn::Mul(g, hn::Set(d, input_scale * alpha * scale)),
                                  ExpFull(d, hn::Mul(x, hn::Set(d, input_scale))));
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), hn::Mul(g, hn::Set(d, scale)), negative);
  }
};

// SELU: ELU with SELU's fixed constants.
template <typename T>
struct SeluOp {
  static constexpr bool kForwardIsCompute = true;
  static constexpr bool kBackwardIsCompute = true;

  EluOp<T> elu{T(activations::kSeluAlpha), T(activations::kSeluScale), T(1)};

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    return elu.Forward(d, x);
  }
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    return elu.Backward(d, g, x);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
