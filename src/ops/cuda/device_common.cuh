// What the element-wise and PReLU CUDA kernels share: the arithmetic type of
// a storage type, 16-byte vectors, block reductions and grid sizing. Device
// code only; no LibTorch headers (see kernels.cuh).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

namespace relulab {
namespace cuda {
namespace detail {

constexpr int kThreads = 256;

// The arithmetic type of a storage type: float for the 16-bit ones.
template <typename T>
struct OpMath {
  using type = T;
};
template <>
struct OpMath<__half> {
  using type = float;
};
template <>
struct OpMath<__nv_bfloat16> {
  using type = float;
};

template <typename T>
__device__ __forceinline__ typename OpMath<T>::type to_op(T v) {
  return v;
}
template <>
__device__ __forceinline__ float to_op(__half v) {
  return __half2float(v);
}
template <>
__device__ __forceinline__ float to_op(__nv_bfloat16 v) {
  return __bfloat162float(v);
}
template <typename T>
__device__ __forceinline__ T from_op(typename OpMath<T>::type v) {
  return v;
}
template <>
__device__ __forceinline__ __half from_op<__half>(float v) {
  return __float2half(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 from_op<__nv_bfloat16>(float v) {
  return __float2bfloat16(v);
}

template <typename T>
struct alignas(16) Vec {
  static constexpr int kSize = 16 / sizeof(T);
  T v[kSize];
};

inline bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// The storage types every kernel is instantiated for (16-bit ones compute in
// float): X(float) X(double) X(__half) X(__nv_bfloat16).
#define RELULAB_CUDA_FOR_EACH_DTYPE(X) X(float) X(double) X(__half) X(__nv_bfloat16)

// One vector through an element-wise functor (forward, or backward from the
// gradient and the saved tensor), in the arithmetic type.
template <typename T, typename Op>
__device__ __forceinline__ Vec<T> forward_vector(const Op& op, const Vec<T>& in) {
  Vec<T> out;
#pragma unroll
  for (int j = 0; j < Vec<T>::kSize; ++j) out.v[j] = from_op<T>(op.forward(to_op(in.v[j])));
  return out;
}

template <typename T, typename Op>
__device__ __forceinline__ Vec<T> backward_vector(const Op& op, const Vec<T>& g, const Vec<T>& s) {
  Vec<T> out;
#pragma unroll
  for (int j = 0; j < Vec<T>::kSize; ++j)
    out.v[j] = from_op<T>(op.backward(to_op(g.v[j]), to_op(s.v[j])));
  return out;
}

// The sum of `value` over a block of kThreads threads, valid in thread 0.
// The order of additions is fixed (shuffle tree, then warps in order), so
// the same inputs give the same bits: the PReLU weight gradient relies on it.
template <typename A>
__device__ A block_sum(A value) {
  __shared__ A warp_sums[kThreads / 32];
  for (int offset = 16; offset > 0; offset /= 2)
    value += __shfl_down_sync(0xffffffffu, value, offset);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = value;
  __syncthreads();
  A sum = 0;
  if (threadIdx.x == 0)
    for (int w = 0; w < kThreads / 32; ++w) sum += warp_sums[w];
  __syncthreads();  // warp_sums may be reused by the caller's next round
  return sum;
}

// The grid-stride loop over `count` items of a thread whose first item is
// `first`: load(i) of two items a stride apart, then store(i, loaded) of
// each. See Note [One pass over the tensor] (kernels.cu).
template <typename I, typename Load, typename Store>
__device__ __forceinline__ void grid_stride_pairs(I first, I stride, I count, Load load,
                                                  Store store) {
  I i = first;
  for (; i + stride < count; i += 2 * stride) {
    const auto a = load(i);
    const auto b = load(i + stride);
    store(i, a);
    store(i + stride, b);
  }
  if (i < count) store(i, load(i));
}

// Blocks for `work_items` thread-sized items: enough to cover them once
// (the grid-stride loops go round again only beyond gridDim.x's limit). See
// Note [One pass over the tensor] (kernels.cu).
inline int grid_for(int64_t work_items) {
  constexpr int64_t kMaxGridX = 2147483647;
  return static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(kMaxGridX, (work_items + kThreads - 1) / kThreads)));
}

// Thread-sized work items of an n-element pass: pairs of vectors when
// vectorised (grid_stride_pairs), elements otherwise.
template <typename T>
int64_t work_items(int64_t n, bool vectorised) {
  return vectorised ? (n / Vec<T>::kSize + 1) / 2 : n;
}

}  // namespace detail
}  // namespace cuda
}  // namespace relulab
