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

  // tanh(softplus(x)). Above x = 20, tanh(softplus(x)) rounds to 1 in float
  // and in double, which is what LibTorch's tanh(log1p(exp(x))) gives there
  // (exp overflowing to inf included); clamping keeps Highway's Exp, Log1p
  // and Tanh inside their valid ranges.
  template <class D>
  static HWY_INLINE hn::Vec<D> TanhSoftplus(D d, hn::Vec<D> x) {
    using T = hn::TFromD<D>;
    const auto cap = hn::Set(d, T(20));
    const auto t = hn::Tanh(d, hn::Log1p(d, ExpFull(d, hn::Min(x, cap))));
    return hn::IfThenElse(hn::Gt(x, cap), hn::Set(d, T(1)), t);
  }

  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    return hn::Mul(x, TanhSoftplus(d, x));
  }
  // grad * (t + x * sigmoid(x) * (1 - t^2)), in LibTorch's order.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto one = hn::Set(d, T(1));
    const auto t = TanhSoftplus(d, x);
    const auto sigmoid = Logistic(d, x);
    const auto slope = hn::Mul(hn::Mul(x, sigmoid), hn::NegMulAdd(t, t, one));
    return hn::Mul(g, hn::Add(t, slope));
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
