// Highway implementations of kernels.h, compiled once per SIMD target and
// picked at run time for the CPU at hand (HWY_DYNAMIC_DISPATCH).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ops/cpu/kernels.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <algorithm>
#include <vector>

#include <hwy/highway.h>

#include "ops/cpu/all_vector_ops-inl.h"  // generated: every activations/*-inl.h
#include "ops/cpu/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace relulab {
namespace cpu {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Note [Vector width]
// On this AVX-512 CPU (Zen 4 class), full 512-bit vectors speed up the
// compute-bound (transcendental) kernels, but made the memory-bound ones
// ~10% slower than 256-bit vectors do (relulab bench, relu and sigmoid
// backward at 4M floats, 1 thread). Memory-bound kernels therefore use at
// most 256-bit vectors; each functor says which of its directions is
// compute-bound (kForwardIsCompute, kBackwardIsCompute).
template <typename T, bool kComputeBound>
using TagFor =
    std::conditional_t<kComputeBound, hn::ScalableTag<T>, hn::CappedTag<T, 32 / sizeof(T)>>;
template <typename T>
using MemoryBoundTag = TagFor<T, false>;

// y = op.Forward(x), full vectors then one masked tail (no scalar remainder
// loop, so the tail runs the very same arithmetic as the body).
template <class Op, typename T>
HWY_INLINE void MapForward(const Op& op, const T* x, T* y, size_t n) {
  const TagFor<T, Op::kForwardIsCompute> d;
  const size_t lanes = hn::Lanes(d);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    hn::StoreU(op.Forward(d, hn::LoadU(d, x + i)), d, y + i);
  }
  if (i < n) {
    const auto mask = hn::FirstN(d, n - i);
    hn::BlendedStore(op.Forward(d, hn::MaskedLoad(mask, d, x + i)), mask, d, y + i);
  }
}

template <class Op, typename T>
HWY_INLINE void MapBackward(const Op& op, const T* g, const T* s, T* gi, size_t n) {
  const TagFor<T, Op::kBackwardIsCompute> d;
  const size_t lanes = hn::Lanes(d);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    hn::StoreU(op.Backward(d, hn::LoadU(d, g + i), hn::LoadU(d, s + i)), d, gi + i);
  }
  if (i < n) {
    const auto mask = hn::FirstN(d, n - i);
    const auto result =
        op.Backward(d, hn::MaskedLoad(mask, d, g + i), hn::MaskedLoad(mask, d, s + i));
    hn::BlendedStore(result, mask, d, gi + i);
  }
}

// The functor of kernel `op` with the call's parameters, handed to f.
template <typename T, class F>
HWY_INLINE void WithVectorOp(Pointwise op, const PointwiseParams& p, F&& f) {
  switch (op) {
#define RELULAB_VECTOR_CASE(Module, op_name, Kernel, ...) \
  case Pointwise::k##Kernel:                              \
    return f(activations::make_functor<Kernel##Op<T>, T, activations::Module::num_params>(p));
    RELULAB_ACTIVATIONS(RELULAB_VECTOR_CASE)
#undef RELULAB_VECTOR_CASE
    case Pointwise::kGeluErf:
      // float64 never gets here: see Note [float64 GELU] below.
      if constexpr (sizeof(T) == 4) return f(GeluErfOp<T>{});
      break;
    case Pointwise::kGeluTanh:
      return f(GeluTanhOp<T>{});
  }
  HWY_ABORT("relulab: pointwise op %d has no vector kernel", static_cast<int>(op));
}

template <typename T>
void PointwiseForwardT(Pointwise op, const PointwiseParams& p, const T* x, T* y, size_t n) {
  WithVectorOp<T>(op, p, [&](const auto& functor) { MapForward(functor, x, y, n); });
}

template <typename T>
void PointwiseBackwardT(Pointwise op, const PointwiseParams& p, const T* g, const T* s, T* gi,
                        size_t n) {
  WithVectorOp<T>(op, p, [&](const auto& functor) { MapBackward(functor, g, s, gi, n); });
}

void PointwiseForwardF32(Pointwise op, const PointwiseParams& p, const float* x, float* y,
                         size_t n) {
  PointwiseForwardT(op, p, x, y, n);
}
void PointwiseForwardF64(Pointwise op, const PointwiseParams& p, const double* x, double* y,
                         size_t n) {
  PointwiseForwardT(op, p, x, y, n);
}
void PointwiseBackwardF32(Pointwise op, const PointwiseParams& p, const float* g, const float* s,
                          float* gi, size_t n) {
  PointwiseBackwardT(op, p, g, s, gi, n);
}
void PointwiseBackwardF64(Pointwise op, const PointwiseParams& p, const double* g, const double* s,
                          double* gi, size_t n) {
  PointwiseBackwardT(op, p, g, s, gi, n);
}

// Note [PReLU segments]
// A (outer, channels, inner) tensor is walked in segments that share a
// slope pattern. When inner is long, each segment is one channel's run and
// the slope is a broadcast scalar. When inner is short (e.g. (N, C) inputs,
// inner == 1), a run is too short to vectorise, so the slopes are expanded
// once into a row of channels * inner values and each segment is (part of)
// one row, multiplied lane by lane.
template <typename T>
bool UseExpandedRow(ChannelLayout layout) {
  const MemoryBoundTag<T> d;
  return layout.channels > 1 && layout.inner < static_cast<int64_t>(4 * hn::Lanes(d));
}

template <typename T>
void PreluForwardT(const T* x, const T* w, T* y, ChannelLayout layout, int64_t begin, int64_t end) {
  const MemoryBoundTag<T> d;
  const size_t lanes = hn::Lanes(d);
  if (!UseExpandedRow<T>(layout)) {
    for (int64_t i = begin; i < end;) {
      const int64_t run = i / layout.inner;
      const int64_t len = std::min(layout.inner * (run + 1), end) - i;
      const auto slope = hn::Set(d, w[run % layout.channels]);
      size_t k = 0;
      for (; k + lanes <= static_cast<size_t>(len); k += lanes) {
        const auto v = hn::LoadU(d, x + i + k);
        hn::StoreU(LeakyReluOp<T>::ForwardWithSlope(d, v, slope), d, y + i + k);
      }
      if (k < static_cast<size_t>(len)) {
        const auto mask = hn::FirstN(d, len - k);
        const auto v = hn::MaskedLoad(mask, d, x + i + k);
        hn::BlendedStore(LeakyReluOp<T>::ForwardWithSlope(d, v, slope), mask, d, y + i + k);
      }
      i += len;
    }
    return;
  }
  const int64_t row = layout.channels * layout.inner;
  std::vector<T> slopes(row);
  for (int64_t j = 0; j < row; ++j) slopes[j] = w[j / layout.inner];
  for (int64_t i = begin; i < end;) {
    const int64_t j0 = i % row;
    const int64_t len = std::min(row - j0, end - i);
    size_t k = 0;
    for (; k + lanes <= static_cast<size_t>(len); k += lanes) {
      const auto v = hn::LoadU(d, x + i + k);
      const auto s = hn::LoadU(d, slopes.data() + j0 + k);
      hn::StoreU(LeakyReluOp<T>::ForwardWithSlope(d, v, s), d, y + i + k);
    }
    if (k < static_cast<size_t>(len)) {
      const auto mask = hn::FirstN(d, len - k);
      const auto v = hn::MaskedLoad(mask, d, x + i + k);
      const auto s = hn::MaskedLoad(mask, d, slopes.data() + j0 + k);
      hn::BlendedStore(LeakyReluOp<T>::ForwardWithSlope(d, v, s), mask, d, y + i + k);
    }
    i += len;
  }
}

// grad_weight[c] = sum over channel c of (x > 0 ? 0 : x * g): accumulated in
// vector lanes along the way, reduced to double once per segment.
template <typename T>
void PreluBackwardT(const T* g, const T* x, const T* w, T* gi, double* gw, ChannelLayout layout,
                    int64_t begin, int64_t end) {
  const MemoryBoundTag<T> d;
  const size_t lanes = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  if (!UseExpandedRow<T>(layout)) {
    for (int64_t i = begin; i < end;) {
      const int64_t run = i / layout.inner;
      const int64_t len = std::min(layout.inner * (run + 1), end) - i;
      const int64_t c = run % layout.channels;
      const auto slope = hn::Set(d, w[c]);
      auto acc = zero;
      size_t k = 0;
      for (; k + lanes <= static_cast<size_t>(len); k += lanes) {
        const auto gv = hn::LoadU(d, g + i + k);
        const auto xv = hn::LoadU(d, x + i + k);
        const auto positive = hn::Gt(xv, zero);
        hn::StoreU(hn::IfThenElse(positive, gv, hn::Mul(gv, slope)), d, gi + i + k);
        acc = hn::Add(acc, hn::IfThenZeroElse(positive, hn::Mul(xv, gv)));
      }
      if (k < static_cast<size_t>(len)) {
        const auto mask = hn::FirstN(d, len - k);
        const auto gv = hn::MaskedLoad(mask, d, g + i + k);
        const auto xv = hn::MaskedLoad(mask, d, x + i + k);
        const auto positive = hn::Gt(xv, zero);
        hn::BlendedStore(hn::IfThenElse(positive, gv, hn::Mul(gv, slope)), mask, d, gi + i + k);
        acc = hn::Add(acc, hn::IfThenZeroElse(positive, hn::Mul(xv, gv)));
      }
      gw[c] += static_cast<double>(hn::GetLane(hn::SumOfLanes(d, acc)));
      i += len;
    }
    return;
  }
  const int64_t row = layout.channels * layout.inner;
  std::vector<T> slopes(row);
  std::vector<T> acc_row(row, T(0));
  for (int64_t j = 0; j < row; ++j) slopes[j] = w[j / layout.inner];
  for (int64_t i = begin; i < end;) {
    const int64_t j0 = i % row;
    const int64_t len = std::min(row - j0, end - i);
    T* acc = acc_row.data() + j0;
    const T* s = slopes.data() + j0;
    size_t k = 0;
    for (; k + lanes <= static_cast<size_t>(len); k += lanes) {
      const auto gv = hn::LoadU(d, g + i + k);
      const auto xv = hn::LoadU(d, x + i + k);
      const auto positive = hn::Gt(xv, zero);
      hn::StoreU(hn::IfThenElse(positive, gv, hn::Mul(gv, hn::LoadU(d, s + k))), d, gi + i + k);
      const auto contribution = hn::IfThenZeroElse(positive, hn::Mul(xv, gv));
      hn::StoreU(hn::Add(hn::LoadU(d, acc + k), contribution), d, acc + k);
    }
    if (k < static_cast<size_t>(len)) {
      const auto mask = hn::FirstN(d, len - k);
      const auto gv = hn::MaskedLoad(mask, d, g + i + k);
      const auto xv = hn::MaskedLoad(mask, d, x + i + k);
      const auto positive = hn::Gt(xv, zero);
      const auto sv = hn::MaskedLoad(mask, d, s + k);
      hn::BlendedStore(hn::IfThenElse(positive, gv, hn::Mul(gv, sv)), mask, d, gi + i + k);
      const auto contribution = hn::IfThenZeroElse(positive, hn::Mul(xv, gv));
      hn::BlendedStore(hn::Add(hn::MaskedLoad(mask, d, acc + k), contribution), mask, d, acc + k);
    }
    i += len;
  }
  for (int64_t j = 0; j < row; ++j) {
    gw[j / layout.inner] += static_cast<double>(acc_row[j]);
  }
}

void PreluForwardF32(const float* x, const float* w, float* y, ChannelLayout layout, int64_t begin,
                     int64_t end) {
  PreluForwardT(x, w, y, layout, begin, end);
}
void PreluForwardF64(const double* x, const double* w, double* y, ChannelLayout layout,
                     int64_t begin, int64_t end) {
  PreluForwardT(x, w, y, layout, begin, end);
}
void PreluBackwardF32(const float* g, const float* x, const float* w, float* gi, double* gw,
                      ChannelLayout layout, int64_t begin, int64_t end) {
  PreluBackwardT(g, x, w, gi, gw, layout, begin, end);
}
void PreluBackwardF64(const double* g, const double* x, const double* w, double* gi, double* gw,
                      ChannelLayout layout, int64_t begin, int64_t end) {
  PreluBackwardT(g, x, w, gi, gw, layout, begin, end);
}

// y = x <= 0 ? x * r : x; noise = x <= 0 ? r : 1 (LibTorch's rrelu_with_noise).
template <typename T>
void RreluForwardT(const T* x, T* noise, T* y, size_t n) {
  const MemoryBoundTag<T> d;
  const size_t lanes = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  const auto one = hn::Set(d, T(1));
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const auto xv = hn::LoadU(d, x + i);
    const auto negative = hn::Le(xv, zero);
    const auto r = hn::IfThenElse(negative, hn::LoadU(d, noise + i), one);
    hn::StoreU(hn::IfThenElse(negative, hn::Mul(xv, r), xv), d, y + i);
    hn::StoreU(r, d, noise + i);
  }
  if (i < n) {
    const auto mask = hn::FirstN(d, n - i);
    const auto xv = hn::MaskedLoad(mask, d, x + i);
    const auto negative = hn::Le(xv, zero);
    const auto r = hn::IfThenElse(negative, hn::MaskedLoad(mask, d, noise + i), one);
    hn::BlendedStore(hn::IfThenElse(negative, hn::Mul(xv, r), xv), mask, d, y + i);
    hn::BlendedStore(r, mask, d, noise + i);
  }
}

template <typename T>
void MultiplyT(const T* a, const T* b, T* out, size_t n) {
  const MemoryBoundTag<T> d;
  const size_t lanes = hn::Lanes(d);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    hn::StoreU(hn::Mul(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, out + i);
  }
  if (i < n) {
    const auto mask = hn::FirstN(d, n - i);
    hn::BlendedStore(hn::Mul(hn::MaskedLoad(mask, d, a + i), hn::MaskedLoad(mask, d, b + i)), mask,
                     d, out + i);
  }
}

void RreluForwardF32(const float* x, float* noise, float* y, size_t n) {
  RreluForwardT(x, noise, y, n);
}
void RreluForwardF64(const double* x, double* noise, double* y, size_t n) {
  RreluForwardT(x, noise, y, n);
}
void MultiplyF32(const float* a, const float* b, float* out, size_t n) { MultiplyT(a, b, out, n); }
void MultiplyF64(const double* a, const double* b, double* out, size_t n) {
  MultiplyT(a, b, out, n);
}

const char* TargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace HWY_NAMESPACE
}  // namespace cpu
}  // namespace relulab
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cmath>

namespace relulab {
namespace cpu {

HWY_EXPORT(PointwiseForwardF32);
HWY_EXPORT(PointwiseForwardF64);
HWY_EXPORT(PointwiseBackwardF32);
HWY_EXPORT(PointwiseBackwardF64);
HWY_EXPORT(PreluForwardF32);
HWY_EXPORT(PreluForwardF64);
HWY_EXPORT(PreluBackwardF32);
HWY_EXPORT(PreluBackwardF64);
HWY_EXPORT(RreluForwardF32);
HWY_EXPORT(RreluForwardF64);
HWY_EXPORT(MultiplyF32);
HWY_EXPORT(MultiplyF64);
HWY_EXPORT(TargetName);

namespace {
// Note [float64 GELU]
// Highway has no erf and the float32 approximation is far too coarse for
// float64 (it would fail gradcheck), so exact GELU in float64 is a scalar
// loop over libm's erf: correct to a few ulp, not vectorised.
constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

void gelu_forward_f64(const double* x, double* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    y[i] = x[i] * 0.5 * (1.0 + std::erf(x[i] * kSqrt1_2));
  }
}
void gelu_backward_f64(const double* g, const double* x, double* gi, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double cdf = 0.5 * (1.0 + std::erf(x[i] * kSqrt1_2));
    const double pdf = std::exp(-0.5 * x[i] * x[i]) * kInvSqrt2Pi;
    gi[i] = g[i] * (cdf + x[i] * pdf);
  }
}
}  // namespace

template <>
void pointwise_forward<float>(Pointwise op, const PointwiseParams& params, const float* x, float* y,
                              int64_t n) {
  HWY_DYNAMIC_DISPATCH(PointwiseForwardF32)(op, params, x, y, n);
}
template <>
void pointwise_forward<double>(Pointwise op, const PointwiseParams& params, const double* x,
                               double* y, int64_t n) {
  if (op == Pointwise::kGeluErf) return gelu_forward_f64(x, y, n);
  HWY_DYNAMIC_DISPATCH(PointwiseForwardF64)(op, params, x, y, n);
}
template <>
void pointwise_backward<float>(Pointwise op, const PointwiseParams& params, const float* grad_out,
                               const float* saved, float* grad_in, int64_t n) {
  HWY_DYNAMIC_DISPATCH(PointwiseBackwardF32)(op, params, grad_out, saved, grad_in, n);
}
template <>
void pointwise_backward<double>(Pointwise op, const PointwiseParams& params, const double* grad_out,
                                const double* saved, double* grad_in, int64_t n) {
  if (op == Pointwise::kGeluErf) return gelu_backward_f64(grad_out, saved, grad_in, n);
  HWY_DYNAMIC_DISPATCH(PointwiseBackwardF64)(op, params, grad_out, saved, grad_in, n);
}

template <>
void prelu_forward<float>(const float* x, const float* weight, float* y, ChannelLayout layout,
                          int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(PreluForwardF32)(x, weight, y, layout, begin, end);
}
template <>
void prelu_forward<double>(const double* x, const double* weight, double* y, ChannelLayout layout,
                           int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(PreluForwardF64)(x, weight, y, layout, begin, end);
}
template <>
void prelu_backward<float>(const float* grad_out, const float* x, const float* weight,
                           float* grad_in, double* grad_weight_acc, ChannelLayout layout,
                           int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(PreluBackwardF32)
  (grad_out, x, weight, grad_in, grad_weight_acc, layout, begin, end);
}
template <>
void prelu_backward<double>(const double* grad_out, const double* x, const double* weight,
                            double* grad_in, double* grad_weight_acc, ChannelLayout layout,
                            int64_t begin, int64_t end) {
  HWY_DYNAMIC_DISPATCH(PreluBackwardF64)
  (grad_out, x, weight, grad_in, grad_weight_acc, layout, begin, end);
}

template <>
void rrelu_forward<float>(const float* x, float* noise, float* y, int64_t n) {
  HWY_DYNAMIC_DISPATCH(RreluForwardF32)(x, noise, y, n);
}
template <>
void rrelu_forward<double>(const double* x, double* noise, double* y, int64_t n) {
  HWY_DYNAMIC_DISPATCH(RreluForwardF64)(x, noise, y, n);
}
template <>
void multiply<float>(const float* a, const float* b, float* out, int64_t n) {
  HWY_DYNAMIC_DISPATCH(MultiplyF32)(a, b, out, n);
}
template <>
void multiply<double>(const double* a, const double* b, double* out, int64_t n) {
  HWY_DYNAMIC_DISPATCH(MultiplyF64)(a, b, out, n);
}

const char* simd_target_name() { return HWY_DYNAMIC_DISPATCH(TargetName)(); }

void disable_avx512() { hwy::DisableTargets(HWY_AVX3 | HWY_AVX3_DL); }

}  // namespace cpu
}  // namespace relulab
#endif  // HWY_ONCE
