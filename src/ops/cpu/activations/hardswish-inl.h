// Hardswish functor: x * min(max(x + 3, 0), 6) / 6.
// Re-included once per SIMD target (Highway).
#if defined(RELULAB_OPS_CPU_ACTIVATIONS_HARDSWISH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef RELULAB_OPS_CPU_ACTIVATIONS_HARDSWISH_INL_H_
#undef RELULAB_OPS_CPU_ACTIVATIONS_HARDSWISH_INL_H_
#else
#define RELULAB_OPS_CPU_ACTIVATIONS_HARDSWISH_INL_H_
#endif

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lane: the element type (unused: the vector type decides).
template <typename Lane>
struct HardswishOp {
  // See Note [Vector width] in kernels.cpp: no transcendental maths.
  static constexpr bool kForwardIsCompute = false;
  static constexpr bool kBackwardIsCompute = false;

  // The same operations in the same order as LibTorch's vectorised kernel.
  template <class D>
  HWY_INLINE hn::Vec<D> Forward(D d, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto clamped =
        hn::Min(hn::Max(hn::Add(x, hn::Set(d, T(3))), hn::Zero(d)), hn::Set(d, T(6)));
    return hn::Div(hn::Mul(x, clamped), hn::Set(d, T(6)));
  }
  // 0 up to -3, grad * (x / 3 + 1/2) strictly between, grad from 3 on (the
  // kinks take the outer branch, as in LibTorch 2.x, CPU and CUDA); NaN takes
  // the middle branch (NaN), as in LibTorch's vectorised kernel.
  template <class D>
  HWY_INLINE hn::Vec<D> Backward(D d, hn::Vec<D> g, hn::Vec<D> x) const {
    using T = hn::TFromD<D>;
    const auto middle = hn::Mul(g, hn::Add(hn::Div(x, hn::Set(d, T(3))), hn::Set(d, T(0.5))));
    const auto upper = hn::IfThenElse(hn::Ge(x, hn::Set(d, T(3))), g, middle);
    return hn::IfThenZeroElse(hn::Le(x, hn::Set(d, T(-3))), upper);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#endif
